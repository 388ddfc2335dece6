namespace TeEFusion.Service.Models;

/// <summary>One model the configuration asks for, before loading: its id, where its folder is, and its request defaults.</summary>
/// <param name="Id">The id requests name in `model`.</param>
/// <param name="GivenPath">The folder as configured (possibly relative), for error messages.</param>
/// <param name="FullPath">The folder as a full path (relative paths resolved against the start directory).</param>
/// <param name="Sampler">The configured default sampler name; null means the folder's own.</param>
/// <param name="Guidance">The configured default guidance; null means the folder's or pipeline's.</param>
/// <param name="Steps">The configured default steps; null means the service's.</param>
/// <param name="Version">The configured version; null means the config fingerprint.</param>
public sealed record ModelSlot(string Id, string GivenPath, string FullPath, string? Sampler = null, double? Guidance = null, int? Steps = null,
    string? Version = null);
