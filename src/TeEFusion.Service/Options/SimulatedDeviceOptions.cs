using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>
/// The simulated device, for benchmarks only (section "Bench:SimulatedDevice"): with Compute:Device set to
/// <c>simulated</c>, the worker's batched steps sleep for a GPU's measured step time and finished jobs get a fixed image,
/// so that many replicas on one machine behave like a fleet of GPU replicas without costing CPU. Refused at start unless
/// <see cref="Enabled"/> is true, so that no production configuration serves fixed images by mistake.
/// </summary>
public sealed class SimulatedDeviceOptions
{
    public const string Section = "Bench:SimulatedDevice";

    /// <summary>Allows Compute:Device = simulated. Benchmarks only: every image is the same fixed file.</summary>
    public bool Enabled { get; set; }

    // Defaults: a least-squares line through the student-euler bfloat16 rows of
    // bench/results/transformer-sd3medium-cuda-h200.md (SD3-medium-sized MMDiT, 128×128 latent, one H200):
    // batch 1: 46.0 ms, batch 4: 128.2 ms  →  b = (128.2 − 46.0) / 3 = 27.4 ms/row, a = 46.0 − 27.4 = 18.6 ms.

    /// <summary>a in t(rows) = a + b·rows: the time of a step whatever its rows (launches, weights read once per step).</summary>
    [Range(0.0, 60_000.0)]
    public double StepMillisecondsFixed { get; set; } = 18.6;

    /// <summary>b in t(rows) = a + b·rows: the time each row of the batch (one image's model pass) adds to a step.</summary>
    [Range(0.0, 60_000.0)]
    public double StepMillisecondsPerRow { get; set; } = 27.4;

    /// <summary>Size of the fixed image every job gets (about 1.5 MB: a 1024×1024 PNG of a generated picture).</summary>
    [Range(64, 64 * 1024 * 1024)]
    public int ImageBytes { get; set; } = 1_500_000;
}
