using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TeEFusion.Service.Security;

namespace TeEFusion.Service.Extensions;

/// <summary>Swagger UI at /swagger, the document at /swagger/v1/swagger.json, with both API-key schemes documented.</summary>
public static class SwaggerExtensions
{
    public const string BearerScheme = "bearer";
    public const string HeaderScheme = "apiKey";

    public static IServiceCollection AddServiceSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "TeEFusion Service",
                Version = "v1",
                Description = "Text-to-image with a TeEFusion-distilled SD3 student: OpenAI-compatible images API, asynchronous jobs, health and metrics. "
                    + "Every error is an RFC 9457 ProblemDetails.",
            });
            options.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key as a bearer token (what the OpenAI SDK sends).",
            });
            options.AddSecurityDefinition(HeaderScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiCredential.ApiKeyHeader,
                Description = "An API key in the X-Api-Key header.",
            });
            options.SupportNonNullableReferenceTypes();
            options.NonNullableReferenceTypesAsRequired();
            options.OperationFilter<ApiKeySecurityFilter>();
            var xml = Path.Combine(AppContext.BaseDirectory, typeof(SwaggerExtensions).Assembly.GetName().Name + ".xml");
            if (File.Exists(xml)) options.IncludeXmlComments(xml);
        });
        return services;
    }

    public static WebApplication UseServiceSwagger(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/swagger/v1/swagger.json", "TeEFusion Service v1");
            ui.RoutePrefix = "swagger";
        });
        return app;
    }

    /// <summary>Marks operations carrying <see cref="ApiKeyRequirement"/> as needing either key scheme.</summary>
    private sealed class ApiKeySecurityFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ApiKeyRequirement>().Any()) return;
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderScheme, context.Document)] = [] },
            ];
        }
    }
}
