using TeEFusion.Tooling.RandomModels;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.Tests.RandomModels;

/// <summary>A random model written into a fresh temporary directory, deleted on dispose.</summary>
public sealed class TempModelFolder : IDisposable
{
    public TempModelFolder(RandomModelPreset preset = RandomModelPreset.Tiny, long seed = 0, ScalarType dtype = ScalarType.Float32,
        bool includeT5 = true)
    {
        Root = Path.Combine(Path.GetTempPath(), "teefusion-randmodel-" + Guid.NewGuid().ToString("N"));
        RandomModelWriter.Write(Root, preset, seed, dtype, includeT5);
    }

    public string Root { get; }

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Every file, relative to the root with '/' separators, in ordinal order.</summary>
    public IReadOnlyList<string> Files() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
