using System.Diagnostics;

namespace TeEFusion.Core.Tests.Build;

/// <summary>
/// The build marks libLibTorchSharp.so's GLIBCXX_3.4.32 need weak (build/LibTorchSharpGlibcxxPatch.targets).
/// On Debian 12 a missing patch shows up as every torch test failing; this test names the cause directly and also
/// guards distributions where the library would load anyway. It reads the result with binutils' readelf, an
/// independent ELF reader, rather than with the patch's own parsing.
/// </summary>
public class LibTorchSharpPatchTests
{
    [Fact]
    public void CopiedNativeLibraryHasTheGlibcxxNeedMarkedWeak()
    {
        var library = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(library), $"{library} was not copied next to the tests.");

        var start = new ProcessStartInfo("readelf", ["-V", "--wide", library]) { RedirectStandardOutput = true };
        using var readelf = Process.Start(start)!;
        var versions = readelf.StandardOutput.ReadToEnd();
        readelf.WaitForExit();
        Assert.Equal(0, readelf.ExitCode);

        var need = versions.Split('\n').Single(line => line.Contains("Name: GLIBCXX_3.4.32", StringComparison.Ordinal));
        Assert.Contains("Flags: WEAK", need, StringComparison.Ordinal);
    }

    [Fact]
    public void TorchLoadsAndComputes()
    {
        using var sum = TorchSharp.torch.ones(3, 4).sum();
        Assert.Equal(12f, sum.item<float>());
    }
}
