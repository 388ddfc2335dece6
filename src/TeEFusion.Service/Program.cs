using TeEFusion.Service.Distillation;
using TeEFusion.Service.Endpoints;
using TeEFusion.Service.Errors;
using TeEFusion.Service.Extensions;
using TeEFusion.Service.Security;
using TeEFusion.Service.Telemetry;
using TeEFusion.Service.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddServiceConfigFile(builder.Environment);

builder.Services
    .AddServiceOptions()
    .AddServiceErrors()
    .AddModelHosting()
    .AddServiceSecurity()
    .AddServiceTelemetry(builder.Configuration)
    .AddServiceSwagger()
    .AddGenerationWorker()
    .AddDistillation();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseRateLimiter();
app.UseServiceSwagger();

app.MapHealthEndpoints();
app.MapServiceMetrics(app.Configuration);

var v1 = app.MapGroup("/v1")
    .RequireApiKey()
    .RequirePerKeyRateLimit();
v1.MapModelEndpoints();
v1.MapImageEndpoints();
v1.MapImageEditEndpoints();
v1.MapJobEndpoints();

app.MapAdminEndpoints()
    .RequireAdminKey()
    .RequirePerKeyRateLimit();

app.Run();

/// <summary>The entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
