using TeEFusion.Cli.Commands;
using TeEFusion.Tests.Shared;

namespace TeEFusion.Cli.Tests;

/// <summary>The service benches' default --service-dll is what the service project built in this checkout, not a guessed path.</summary>
public sealed class BuiltServiceTests
{
    [Fact]
    public void DefaultServiceDllIsTheServiceProjectsOwnBuildOutput()
    {
        var path = BuiltService.DllPath;

        Assert.Equal("TeEFusion.Service.dll", Path.GetFileName(path));
        Assert.StartsWith(Path.Combine(RepositoryRoot.Path, "src", "TeEFusion.Service") + Path.DirectorySeparatorChar, path);
        Assert.True(File.Exists(path), path);
    }
}
