using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>Which model folder the service loads and how it names it (section "Model").</summary>
public sealed class ModelOptions
{
    public const string Section = "Model";

    /// <summary>
    /// A diffusers-format TeEFusion SD3 folder. Empty: the bundled model (models/tiny-shapes beside the app or above the
    /// current directory) when <see cref="UseBundled"/> is on; otherwise the service starts but readiness fails.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Serve the bundled model when <see cref="Path"/> is empty; off, an empty path is an error (for deployments that must name their model).</summary>
    public bool UseBundled { get; set; } = true;

    /// <summary>The id served by /v1/models and written into PNGs; empty means the folder's name.</summary>
    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9._:\-]*$", ErrorMessage = "Model:Id may hold only letters, digits and . _ : -")]
    [StringLength(128)]
    public string? Id { get; set; }

    /// <summary>The version served by /v1/models and written into PNGs; empty means a fingerprint of the folder's configs.</summary>
    [StringLength(128)]
    public string? Version { get; set; }

    /// <summary>owned_by in /v1/models.</summary>
    [Required(AllowEmptyStrings = false)]
    public string OwnedBy { get; set; } = "teefusion-service";

    /// <summary>T5 tokens per prompt (diffusers' max_sequence_length).</summary>
    [Range(1, 512)]
    public int MaxSequenceLength { get; set; } = 256;

    /// <summary>How many distinct null/negative prompts keep their embeddings between requests.</summary>
    [Range(0, 1024)]
    public int NegativePromptCacheSize { get; set; } = 8;
}
