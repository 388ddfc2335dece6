using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Cli.Tests;

/// <summary>A random tiny TeEFusion folder (32×32 native, sizes in multiples of 16 up to 64), written once per test class.</summary>
public sealed class TinyModelFolder : IDisposable
{
    public TinyModelFolder()
    {
        Root = Directory.CreateTempSubdirectory("teefusion-cli-tiny-").FullName;
        RandomModelWriter.Write(Root, RandomModelPreset.Tiny, seed: 0);
    }

    public string Root { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
