using static TeEFusion.Tooling.Benchmarks.OptionErrors;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What every bench that drives the real service as a child process shares, whichever model it serves: the image request
/// it is sent, and how the process is found and started.
/// </summary>
public abstract record ServiceClientBenchSettings
{
    public int Width { get; init; } = 64;
    public int Height { get; init; } = 64;
    public int Steps { get; init; } = 4;
    public double Guidance { get; init; } = 5.0;
    public long Seed { get; init; }
    public string Prompt { get; init; } = "a photograph of an astronaut riding a horse on the moon";

    public int StartSeconds { get; init; } = 120;

    /// <summary>TeEFusion.Service.dll to run (the CLI's default: the one this repository's build produced).</summary>
    public required string ServiceDll { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid request or start option.</summary>
    protected void ValidateRequest()
    {
        AtLeast("--size (width)", Width, 16);
        AtLeast("--size (height)", Height, 16);
        AtLeast("--steps", Steps, 1);
        AtLeast("--start-seconds", StartSeconds, 1);
        if (Seed < 0) throw new ArgumentException($"--seed {Seed} must be non-negative.");
        if (!double.IsFinite(Guidance)) throw new ArgumentException($"--guidance {Guidance} must be a finite number.");
        if (!File.Exists(ServiceDll))
            throw new ArgumentException($"--service-dll: '{ServiceDll}' does not exist; build src/TeEFusion.Service or pass the path of its dll.");
    }
}
