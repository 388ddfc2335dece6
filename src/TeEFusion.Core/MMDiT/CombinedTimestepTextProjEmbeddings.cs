// Mirrors diffusers models/embeddings.py: CombinedTimestepTextProjEmbeddings.
using TeEFusion.Core.Layers;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.MMDiT;

/// <summary>SD3's conditioning vector temb = G(ψ(t)) + F(pooled), with ψ = time_proj, G = timestep_embedder, F = text_embedder.</summary>
public sealed class CombinedTimestepTextProjEmbeddings : Module<Tensor, Tensor, Tensor>
{
    private readonly Timesteps time_proj;
    private readonly TimestepEmbedding timestep_embedder;
    private readonly PixArtAlphaTextProjection text_embedder;

    public CombinedTimestepTextProjEmbeddings(int embedding_dim, int pooled_projection_dim, Device? device = null, ScalarType? dtype = null)
        : base(nameof(CombinedTimestepTextProjEmbeddings))
    {
        time_proj = new Timesteps(256, flip_sin_to_cos: true, downscale_freq_shift: 0);
        timestep_embedder = new TimestepEmbedding(256, embedding_dim, device, dtype);
        text_embedder = new PixArtAlphaTextProjection(pooled_projection_dim, embedding_dim, device, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor timestep, Tensor pooled_projection)
    {
        using var scope = NewDisposeScope();
        var conditioning = EmbedTimestep(timestep, pooled_projection.dtype) + EmbedText(pooled_projection); // (B, D)
        return conditioning.MoveToOuterDisposeScope();
    }

    /// <summary>The 256-channel float32 sinusoid ψ(t), cast to <paramref name="dtype"/> as diffusers does before any MLP. (B, 256)</summary>
    internal Tensor Sinusoid(Tensor timestep, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        return time_proj.call(timestep).to(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>G(ψ(t)): (B, D).</summary>
    internal Tensor EmbedTimestep(Tensor timestep, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        return timestep_embedder.call(Sinusoid(timestep, dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>F(pooled): (B, D).</summary>
    internal Tensor EmbedText(Tensor pooled) => text_embedder.call(pooled);
}
