using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Docs;

/// <summary>The running service's HTTP endpoints, to match a documented request against: method, route, body type, response type.</summary>
public sealed class ServiceRoutes(ServiceFactory factory)
{
    private readonly IReadOnlyList<RouteEndpoint> _endpoints =
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    /// <summary>The service's JSON conventions (snake_case, enums as strings), refusing members the contract lacks.</summary>
    public static JsonSerializerOptions StrictJson { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// The endpoint serving <paramref name="method"/> <paramref name="path"/>, or null. With <paramref name="contentType"/>, as routing
    /// does, an endpoint that declares the bodies it accepts must accept it (POST /v1/jobs: JSON generations, multipart edits).
    /// </summary>
    public RouteEndpoint? Match(string method, string path, string? contentType = null) => _endpoints.FirstOrDefault(e =>
        (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method) ?? false)
        && (contentType is null || e.Metadata.GetMetadata<IAcceptsMetadata>() is not { } accepts || accepts.ContentTypes.Contains(contentType))
        && new TemplateMatcher(TemplateParser.Parse(e.RoutePattern.RawText!.TrimStart('/')), new RouteValueDictionary())
            .TryMatch(new PathString(path.TrimEnd('/')), new RouteValueDictionary()));

    /// <summary>The type an endpoint reads from a JSON body, or null when it takes none.</summary>
    public static Type? BodyType(Endpoint endpoint) => endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    /// <summary>The type of an endpoint's 200 response, or null.</summary>
    public static Type? OkType(Endpoint endpoint) => endpoint.Metadata.OfType<IProducesResponseTypeMetadata>()
        .FirstOrDefault(p => p.StatusCode == StatusCodes.Status200OK)?.Type;

    /// <summary>Every JSON member name reachable from <paramref name="type"/> (properties, elements of lists), as the service writes them.</summary>
    public static HashSet<string> JsonNames(Type type)
    {
        var names = new HashSet<string>();
        Collect(type, names, []);
        return names;
    }

    private static void Collect(Type type, HashSet<string> names, HashSet<Type> seen)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsPrimitive || type == typeof(string) || !seen.Add(type)) return;
        var element = type.IsArray ? type.GetElementType()
            : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        if (element is not null) { Collect(element, names, seen); return; }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            names.Add(property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name));
            Collect(property.PropertyType, names, seen);
        }
    }
}
