using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace TeEFusion.Service.Extensions;

/// <summary>Makes the repository's top-level appsettings.json the service's configuration wherever the content root is.</summary>
public static class ConfigurationExtensions
{
    private const string FileName = "appsettings.json";

    /// <summary>
    /// The build copies the top-level appsettings.json next to the assembly. When the content root has none (dotnet run,
    /// tests), that copy is read in the default file's place, so environment variables, the command line and test
    /// overrides still take precedence over it.
    /// </summary>
    public static ConfigurationManager AddServiceConfigFile(this ConfigurationManager configuration, IHostEnvironment environment)
    {
        if (File.Exists(Path.Combine(environment.ContentRootPath, FileName))) return configuration;
        var copied = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(copied)) return configuration;

        var sources = configuration.Sources;
        var defaultFile = sources.OfType<JsonConfigurationSource>().FirstOrDefault(s => s.Path == FileName);
        var index = defaultFile is null ? 0 : sources.IndexOf(defaultFile) + 1;
        sources.Insert(index, new JsonConfigurationSource
        {
            Path = FileName,
            Optional = false,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        });
        return configuration;
    }
}
