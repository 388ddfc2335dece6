using System.Reflection;

namespace TeEFusion.Cli.Commands;

/// <summary>
/// The TeEFusion.Service.dll this repository's build produced, the service benches' default `--service-dll`.
/// TeEFusion.Cli.csproj asks the service project where it builds to and writes the answer into teefusion.dll, so the
/// path follows the service project's own output settings instead of a guessed bin/ folder.
/// </summary>
internal static class BuiltService
{
    public const string MetadataKey = "TeEFusionServiceDll";

    /// <exception cref="InvalidOperationException">The build wrote no path (TeEFusion.Cli.csproj lost its service reference).</exception>
    public static string DllPath =>
        typeof(BuiltService).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == MetadataKey)?.Value is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException($"teefusion.dll names no service dll (assembly metadata {MetadataKey}); pass --service-dll.");
}
