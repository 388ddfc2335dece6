using static TeEFusion.Tooling.Benchmarks.OptionErrors;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What `teefusion bench webhooks` runs: jobs with a webhook to a loopback receiver (delivery latency after each job
/// ends), then the worker's step time without and with <see cref="Pending"/> deliveries held by a slow receiver.
/// The defaults take well under a minute on 2 idle cores.
/// </summary>
public sealed record WebhookBenchSettings : ServiceRequestBenchSettings
{
    public WebhookBenchSettings()
    {
        Width = 32;
        Height = 32;
        Steps = 4;
        Prompt = "a red fox";
    }

    /// <summary>Untimed jobs after the start: the first phase must not pay the warm-up the second one does not.</summary>
    public int Warmup { get; init; } = 20;

    /// <summary>Jobs whose delivery latency is measured, one after another.</summary>
    public int Jobs { get; init; } = 50;

    /// <summary>Jobs timed per step-time phase (without, then with the pending deliveries).</summary>
    public int StepJobs { get; init; } = 20;

    /// <summary>Deliveries kept pending by the slow receiver during the second step-time phase.</summary>
    public int Pending { get; init; } = 100;

    /// <summary>How long the slow receiver holds each request.</summary>
    public int SlowSeconds { get; init; } = 120;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option, before anything is started.</summary>
    public void Validate()
    {
        ValidateServiceRequest();
        AtLeast("--warmup", Warmup, 0);
        AtLeast("--jobs", Jobs, 1);
        AtLeast("--step-jobs", StepJobs, 1);
        AtLeast("--pending", Pending, 0);
        AtLeast("--slow-seconds", SlowSeconds, 1);
    }
}
