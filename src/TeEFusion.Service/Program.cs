// Stub host until the service issue lands: it proves the web project builds against Core and answers liveness.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health/live", () => TypedResults.Ok(new { status = "alive" }));
app.Run();

public partial class Program;
