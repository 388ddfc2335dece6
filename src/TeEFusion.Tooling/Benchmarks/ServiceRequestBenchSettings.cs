using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What the benches that serve a random-preset model share: the preset written to a temporary folder for the run, on top
/// of the request and process settings of <see cref="ServiceClientBenchSettings"/>.
/// </summary>
public abstract record ServiceRequestBenchSettings : ServiceClientBenchSettings
{
    public string Preset { get; init; } = "tiny";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid shared option.</summary>
    protected void ValidateServiceRequest()
    {
        CheckPreset("--preset", Preset);
        ValidateRequest();
    }

    protected static void CheckPreset(string option, string preset)
    {
        if (!RandomModelPresets.TryParse(preset, out _))
            throw new ArgumentException($"{option}: unknown preset '{preset}'; expected one of {string.Join(", ", RandomModelPresets.Names)}.");
    }
}
