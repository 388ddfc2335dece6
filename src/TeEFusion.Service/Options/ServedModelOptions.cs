using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>One entry of Model:Serve: a model folder served under an id, with its own request defaults.</summary>
public sealed class ServedModelOptions
{
    /// <summary>The id requests name in `model` and /v1/models lists; empty means the folder's name.</summary>
    [RegularExpression(ModelOptions.IdPattern, ErrorMessage = "A model id may hold only letters, digits and . _ : -")]
    [StringLength(128)]
    public string? Id { get; set; }

    /// <summary>The diffusers folder. A relative path resolves against the directory the service was started from.</summary>
    public string? Path { get; set; }

    /// <summary>The sampler a request without `sampler` runs: the folder's own (student, or euler-cfg for a plain SD3 folder) when empty.</summary>
    public string? Sampler { get; set; }

    /// <summary>The guidance a request without `guidance_scale` gets: the folder's recommendation, else the pipeline's, when unset.</summary>
    [Range(0.0, 100.0)]
    public double? Guidance { get; set; }

    /// <summary>The steps a request without `steps` gets: 28 (capped by Limits:MaxSteps) when unset.</summary>
    [Range(1, 1000)]
    public int? Steps { get; set; }

    /// <summary>The version /v1/models lists and images record; empty means a fingerprint of the folder's configs.</summary>
    [StringLength(128)]
    public string? Version { get; set; }
}
