using TeEFusion.Core.IO;
using TeEFusion.Core.Vae;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Vae;

/// <summary>
/// A tiny VAE written by Fixtures/Vae/make_vae_fixtures.py: `stem.config.json`, the weights in `stem.safetensors`
/// (loaded strictly through StateDictLoader) and the `input.*`/`expected.*` tensors in `stem.io.safetensors`.
/// </summary>
internal sealed class VaeFixture : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;

    private VaeFixture(AutoencoderKL vae, Dictionary<string, Tensor> tensors)
    {
        Vae = vae;
        this.tensors = tensors;
    }

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Vae", name);

    public static VaeFixture Open(string stem)
    {
        var vae = new AutoencoderKL(AutoencoderKLConfig.Load(PathOf(stem + ".config.json")));
        StateDictLoader.Load(vae, PathOf(stem + ".safetensors"));
        vae.eval();
        using var file = SafetensorsFile.Open(PathOf(stem + ".io.safetensors"));
        var tensors = file.Tensors.Keys.ToDictionary(name => name, name => file.Read(name).DetachFromDisposeScope());
        return new VaeFixture(vae, tensors);
    }

    public AutoencoderKL Vae { get; }

    public Tensor this[string name] => tensors[name];

    public void Dispose()
    {
        Vae.Dispose();
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }
}
