namespace TeEFusion.Service.Models;

/// <summary>What a request that leaves a field out gets on one model.</summary>
/// <param name="Sampler">The sampler's name.</param>
/// <param name="Guidance">guidance_scale.</param>
/// <param name="Steps">steps (capped by Limits:MaxSteps).</param>
public sealed record ModelDefaults(string Sampler, double Guidance, int Steps);
