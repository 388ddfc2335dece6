using TeEFusion.Tooling.RandomModels;
using static TorchSharp.torch;

namespace TeEFusion.Service.Tests.Fixtures;

/// <summary>
/// A real tiny TeEFusion model folder (RandomModelWriter's Tiny preset, seed 0) written once per test class into a temp
/// directory and deleted afterwards. Use as IClassFixture and point <see cref="ServiceFactory"/> at <see cref="Path"/>.
/// </summary>
public sealed class TinyModelFolder : IDisposable
{
    /// <summary>The folder's name, which is also the served model id when Model:Id is not set.</summary>
    public const string FolderName = "tiny-teefusion";

    private readonly string _scratch = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "teefusion-service-" + Guid.NewGuid().ToString("N"));

    public TinyModelFolder()
    {
        Path = System.IO.Path.Combine(_scratch, FolderName);
        RandomModelWriter.Write(Path, RandomModelPreset.Tiny, seed: 0, ScalarType.Float32, includeT5: true);
    }

    public string Path { get; }

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
