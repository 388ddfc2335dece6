using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>Builds the teacher's sampler from its settings on a given model.</summary>
internal static class TeacherSamplers
{
    public static IFlowMatchSampler Create(nn.Module<SD3TransformerInput, Tensor> model, SamplerSettings settings) => settings.Kind switch
    {
        SamplerKind.EulerCfg => new EulerCfg(model),
        SamplerKind.ZSampling => new ZSamplingCfg(model, settings.InversionGuidance, settings.LambdaStep, settings.Rounds),
        SamplerKind.W2sd => new W2sdCfg(model, settings.ResolvedW2sdPair),
        _ => throw new ArgumentException($"'{settings.Name}' is not a teacher sampler; use euler-cfg, z-sampling or w2sd.", nameof(settings)),
    };
}
