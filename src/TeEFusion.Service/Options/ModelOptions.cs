using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>
/// Which model folders the service loads and how it names them (section "Model"): the list <see cref="Serve"/>, or the
/// one folder <see cref="Path"/>, or (neither set) the bundled student and its teacher.
/// </summary>
public sealed class ModelOptions
{
    public const string Section = "Model";

    /// <summary>What a model id may hold.</summary>
    public const string IdPattern = @"^[A-Za-z0-9][A-Za-z0-9._:\-]*$";

    /// <summary>The models to serve, each with its id, folder and request defaults. Empty: <see cref="Path"/>, else the bundled pair.</summary>
    public List<ServedModelOptions> Serve { get; set; } = [];

    /// <summary>The id a request without `model` runs on; empty means the first model served.</summary>
    public string? Default { get; set; }

    /// <summary>
    /// One diffusers-format SD3 folder to serve (a TeEFusion student or a plain SD3 / SD3.5 teacher), when <see cref="Serve"/>
    /// is empty. A relative path resolves against the directory the service was started from. Empty: the bundled student
    /// `tiny-shapes` and its teacher `tiny-shapes-teacher` when <see cref="UseBundled"/> is on; otherwise readiness fails.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Serve the bundled model when <see cref="Path"/> and <see cref="Serve"/> are empty; off, that is an error (for deployments that must name their model).</summary>
    public bool UseBundled { get; set; } = true;

    /// <summary>The id of the <see cref="Path"/> model; empty means the folder's name.</summary>
    [RegularExpression(IdPattern, ErrorMessage = "Model:Id may hold only letters, digits and . _ : -")]
    [StringLength(128)]
    public string? Id { get; set; }

    /// <summary>The version of the <see cref="Path"/> model; empty means a fingerprint of the folder's configs.</summary>
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
