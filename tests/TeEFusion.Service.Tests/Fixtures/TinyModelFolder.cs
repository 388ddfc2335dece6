using TeEFusion.Tooling.RandomModels;
using static TorchSharp.torch;

namespace TeEFusion.Service.Tests.Fixtures;

/// <summary>
/// A real tiny TeEFusion model folder (RandomModelWriter's Tiny preset, seed 0) that carries its plain SD3 teacher in
/// teacher/ (the tiny-sd3 preset), as the bundled model does, written once per test class into a temp directory and
/// deleted afterwards. Use as IClassFixture and point <see cref="ServiceFactory"/> at <see cref="Path"/>.
/// </summary>
public sealed class TinyModelFolder : IDisposable
{
    /// <summary>The folder's name, which is also the served model id when Model:Id is not set.</summary>
    public const string FolderName = "tiny-teefusion";

    private readonly string _scratch = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "teefusion-service-" + Guid.NewGuid().ToString("N"));

    public TinyModelFolder() : this(RandomModelPreset.Tiny, FolderName)
    {
    }

    private TinyModelFolder(RandomModelPreset preset, string folderName)
    {
        Path = System.IO.Path.Combine(_scratch, folderName);
        RandomModelWriter.Write(Path, preset, seed: 0, ScalarType.Float32, includeT5: true);
        if (preset == RandomModelPreset.Tiny)
            RandomModelWriter.Write(System.IO.Path.Combine(Path, "teacher"), RandomModelPreset.TinySd3, seed: 0, ScalarType.Float32, includeT5: true);
    }

    public string Path { get; }

    /// <summary>A folder of another preset (e.g. tiny-sd3, a plain SD3 teacher), written as <paramref name="folderName"/>.</summary>
    public static TinyModelFolder Of(RandomModelPreset preset, string folderName) => new(preset, folderName);

    /// <summary>model_index.json's write time: what /v1/models reports as `created`.</summary>
    public DateTimeOffset IndexWrittenAt => new(File.GetLastWriteTimeUtc(System.IO.Path.Combine(Path, "model_index.json")), TimeSpan.Zero);

    /// <summary>A new empty directory under the fixture's scratch space (deleted with it).</summary>
    public string EmptyDirectory()
    {
        var path = System.IO.Path.Combine(_scratch, "empty-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }
}
