using TeEFusion.Core.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.RandomModels;

/// <summary>Seeded construction and saving of one randomly initialised component.</summary>
internal static class RandomWeights
{
    /// <summary>transformers' <c>save_pretrained</c> default shard size ("5GB", decimal).</summary>
    public const long TransformersMaxShardBytes = 5_000_000_000;

    private static readonly IReadOnlyDictionary<string, string> PyTorchMetadata = new Dictionary<string, string> { ["format"] = "pt" };

    /// <summary>
    /// Seeds torch's generator for one component, so a component's weights depend only on the seed and its slot
    /// (not on which components were built before it, e.g. with or without T5).
    /// </summary>
    public static void Seed(long seed, int slot) => torch.manual_seed(unchecked(seed * 1_000_003 + slot));

    /// <summary>
    /// Sets every affine LayerNorm/GroupNorm to PyTorch's initial weight 1 and bias 0: TorchSharp leaves some of these
    /// parameters uninitialised, which would make the files neither finite nor reproducible.
    /// </summary>
    public static void ResetNorms(nn.Module module)
    {
        using var noGrad = torch.no_grad();
        foreach (var child in module.modules())
        {
            var (weight, bias) = child switch
            {
                LayerNorm norm => (norm.weight, norm.bias),
                GroupNorm norm => (norm.weight, norm.bias),
                _ => (null, null),
            };
            if (weight is not null) nn.init.ones_(weight);
            if (bias is not null) nn.init.zeros_(bias);
        }
    }

    /// <summary>
    /// Writes the module's state_dict as <c>save_pretrained</c> would: sharded above <paramref name="maxShardBytes"/>,
    /// leaving out the keys in <paramref name="skip"/> (tied duplicates transformers does not store).
    /// </summary>
    public static string Save(nn.Module module, string directory, string fileStem, long maxShardBytes, IReadOnlySet<string>? skip = null)
    {
        var tensors = module.state_dict().Where(pair => skip is null || !skip.Contains(pair.Key));
        return SafetensorsWriter.WriteSharded(directory, fileStem, tensors, maxShardBytes, PyTorchMetadata);
    }
}
