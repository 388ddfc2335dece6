using System.Globalization;
using System.Text.Json.Serialization;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.TextEncoders;
using TeEFusion.Core.Vae;
using TorchSharp;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// The model a generate benchmark ran: where it came from and every component's config as loaded (diffusers /
/// transformers key names), with parameter counts, so a result says exactly what was timed.
/// </summary>
/// <param name="Source">"preset small (random weights, seed 0)" or the folder's path.</param>
/// <param name="Preset">The random preset, or null for a given folder.</param>
/// <param name="WriteSeconds">Time to write the random folder (not part of any timing); null for a given folder.</param>
/// <param name="FolderTxtAlignGuidance">The folder's own flag; each pipeline builds the transformer with the flag it needs.</param>
/// <param name="Parameters">Parameter count per component folder name.</param>
/// <param name="Transformer">As the first pipeline loaded it (its txt_align_guidance is that pipeline's).</param>
public sealed record GenerateBenchModel(
    string Source,
    string? Preset,
    double? WriteSeconds,
    bool FolderTxtAlignGuidance,
    IReadOnlyDictionary<string, long> Parameters,
    SD3TransformerConfig Transformer,
    AutoencoderKLConfig Vae,
    CLIPTextConfig TextEncoder,
    [property: JsonPropertyName("text_encoder_2")] CLIPTextConfig TextEncoder2,
    [property: JsonPropertyName("text_encoder_3")] T5Config? TextEncoder3)
{
    public static GenerateBenchModel Describe(SD3Components components, string source, string? preset, double? writeSeconds)
    {
        var parameters = new Dictionary<string, long>
        {
            ["transformer"] = Count(components.Transformer),
            ["vae"] = Count(components.Vae),
            ["text_encoder"] = Count(components.TextEncoder),
            ["text_encoder_2"] = Count(components.TextEncoder2),
        };
        if (components.TextEncoder3 is { } t5) parameters["text_encoder_3"] = Count(t5);
        return new GenerateBenchModel(source, preset, writeSeconds, components.FolderTxtAlignGuidance, parameters,
            components.Transformer.Config, components.Vae.Config, components.TextEncoder.Config, components.TextEncoder2.Config,
            components.TextEncoder3?.Config);
    }

    /// <summary>One markdown bullet's worth: the shapes that decide the cost.</summary>
    public string Summary()
    {
        var t = Transformer;
        var t5 = TextEncoder3 is { } e
            ? $"T5 d_model {e.DModel}, {e.NumLayers} layers, {e.NumHeads} heads × {e.DKv}, d_ff {e.DFf}"
            : "no T5 (zeros in its place)";
        var vaeFactor = Vae.DownsampleFactor;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Source}: transformer {t.NumLayers} layers, {t.NumAttentionHeads} heads × {t.AttentionHeadDim} = hidden {t.InnerDim}, " +
            $"patch {t.PatchSize}, {t.InChannels} latent channels, joint {t.JointAttentionDim}, pooled {t.PooledProjectionDim}; " +
            $"CLIPs hidden {TextEncoder.HiddenSize} + {TextEncoder2.HiddenSize} ({TextEncoder.NumHiddenLayers} + {TextEncoder2.NumHiddenLayers} layers); {t5}; " +
            $"VAE [{string.Join(", ", Vae.BlockOutChannels)}] × {Vae.LayersPerBlock} layers per block (factor {vaeFactor}). " +
            $"Parameters: {string.Join(", ", Parameters.Select(p => $"{p.Key} {p.Value:N0}"))}.");
    }

    private static long Count(torch.nn.Module module) => module.parameters().Sum(p => p.numel());
}
