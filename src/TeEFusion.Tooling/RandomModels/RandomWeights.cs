using TeEFusion.Core.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.RandomModels;

// Seeded construction and saving of one randomly initialised component.
internal static class RandomWeights
{
    // transformers' save_pretrained default shard size ("5GB", decimal).
    public const long TransformersMaxShardBytes = 5_000_000_000;

    private static readonly IReadOnlyDictionary<string, string> PyTorchMetadata = new Dictionary<string, string> { ["format"] = "pt" };

    // Seeds torch's generator for one component, so a component's weights depend only on the seed and its slot
    // (not on which components were built before it, e.g. with or without T5).
    public static void Seed(long seed, int slot) => torch.manual_seed(unchecked(seed * 1_000_003 + slot));

    // Sets every affine LayerNorm/GroupNorm to PyTorch's initial weight 1 and bias 0. TorchSharp 0.107 was seen leaving
    // GroupNorm's affine parameters uninitialised (NaN, garbage), which would make the files neither finite nor
    // reproducible; LayerNorm gets the same treatment so no norm depends on the binding's behaviour.
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

    // Writes the module's state_dict as save_pretrained would: sharded above maxShardBytes,
    // leaving out the keys in skip (tied duplicates transformers does not store).
    public static string Save(nn.Module module, string directory, string fileStem, long maxShardBytes, IReadOnlySet<string>? skip = null)
    {
        var tensors = module.state_dict().Where(pair => skip is null || !skip.Contains(pair.Key));
        return SafetensorsWriter.WriteSharded(directory, fileStem, tensors, maxShardBytes, PyTorchMetadata);
    }
}
