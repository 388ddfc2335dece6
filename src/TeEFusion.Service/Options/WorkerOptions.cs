using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>The device worker's timeouts, drain and circuit breaker (section "Worker").</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>On shutdown, running jobs get this long to finish; HostOptions.ShutdownTimeout is set a little above it.</summary>
    [Range(0, 3600)]
    public int DrainTimeoutSeconds { get; set; } = 30;

    /// <summary>A job still unfinished after this long (queue wait included) fails with a timeout.</summary>
    [Range(1, 24 * 3600)]
    public int JobTimeoutSeconds { get; set; } = 300;

    /// <summary>Consecutive device faults that open the circuit breaker (readiness then fails).</summary>
    [Range(1, 1000)]
    public int CircuitBreakerFailures { get; set; } = 3;

    /// <summary>How long the opened breaker refuses work before it tries again.</summary>
    [Range(1, 3600)]
    public int CircuitBreakSeconds { get; set; } = 30;
}
