// Mirrors diffusers' FlowMatchEulerDiscreteScheduler (schedulers/scheduling_flow_match_euler_discrete.py):
// set_timesteps for the schedule, step for the Euler update.
using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>
/// Flow-matching Euler schedule. Stateless after construction: a schedule is computed per job, and the Euler
/// step takes per-sample σ so that samples at different steps can share a batch.
/// </summary>
public sealed class FlowMatchEulerDiscreteScheduler
{
    private readonly FlowMatchEulerDiscreteSchedulerConfig _config;

    public FlowMatchEulerDiscreteScheduler(FlowMatchEulerDiscreteSchedulerConfig config)
    {
        config.Validate();
        _config = config;
        (SigmaMax, SigmaMin) = TrainSigmaRange(config);
    }

    public FlowMatchEulerDiscreteSchedulerConfig Config => _config;

    /// <summary>Largest training σ (diffusers' `sigma_max`), as the float32 value widened to double.</summary>
    public double SigmaMax { get; }

    /// <summary>Smallest training σ (diffusers' `sigma_min`), as the float32 value widened to double.</summary>
    public double SigmaMin { get; }

    /// <summary>
    /// The schedule diffusers' `set_timesteps(steps, mu=mu)` builds. <paramref name="mu"/> is required exactly
    /// when the config uses dynamic shifting (see <see cref="FlowMatchEulerDiscreteSchedulerConfig.CalculateShift"/>).
    /// </summary>
    public SigmaSchedule GetSchedule(int steps, double? mu = null)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "At least one inference step is needed.");
        if (_config.UseDynamicShifting && mu is null)
            throw new ArgumentException("The scheduler config sets use_dynamic_shifting, so a value for mu is required.", nameof(mu));
        if (!_config.UseDynamicShifting && mu is not null)
            throw new ArgumentException("mu was given but the scheduler config does not set use_dynamic_shifting.", nameof(mu));

        double train = _config.NumTrainTimesteps;
        var sigmas = new float[steps + 1];
        var timesteps = new float[steps];
        var shifted = Linspace(SigmaMax * train, SigmaMin * train, steps).Select(t => Shift(t / train, mu)).ToArray();
        if (_config.ShiftTerminal is { } terminal)
        {
            // Stretch so that the last σ lands on shift_terminal (float64, as diffusers does on the numpy array).
            var scale = (1 - shifted[^1]) / (1 - terminal);
            for (var i = 0; i < steps; i++) shifted[i] = 1 - (1 - shifted[i]) / scale;
        }
        for (var i = 0; i < steps; i++)
        {
            sigmas[i] = (float)shifted[i];
            timesteps[i] = sigmas[i] * (float)_config.NumTrainTimesteps;
        }
        return new SigmaSchedule(sigmas, timesteps);
    }

    /// <summary>
    /// Euler update x + (σ_to − σ_from)·v per sample; σ_to &gt; σ_from is the inverse step used by reflection.
    /// Reproduces diffusers' rounding: dt and the product are formed in v's dtype, the sum in float32, and the
    /// result is cast to the latents' dtype.
    /// </summary>
    /// <param name="sample">Latents, (B, C, H, W).</param>
    /// <param name="velocity">Model velocity, (B, C, H, W).</param>
    /// <param name="sigmaFrom">σ of <paramref name="sample"/> per sample, (B).</param>
    /// <param name="sigmaTo">σ to move to per sample, (B).</param>
    public static Tensor Step(Tensor sample, Tensor velocity, float[] sigmaFrom, float[] sigmaTo)
    {
        using var scope = NewDisposeScope();
        var batch = sample.shape[0];
        if (sigmaFrom.Length != batch || sigmaTo.Length != batch || velocity.shape[0] != batch)
            throw new ArgumentException(
                $"Euler step: latents have {batch} samples but velocity has {velocity.shape[0]}, σ {sigmaFrom.Length}, σ_next {sigmaTo.Length}.");
        var dt = new float[batch];
        for (var b = 0; b < batch; b++) dt[b] = sigmaTo[b] - sigmaFrom[b];
        // diffusers multiplies a 0-dim float32 dt (on the device) by the model-dtype velocity: type promotion keeps
        // the velocity's dtype and casts dt to it first, so in bf16 both dt and the product are rounded. A shared dt
        // is passed as a scalar rounded the same way, so no host tensor is made for it.
        var delta = PerSampleValues.Shared(dt) is { } shared
            ? velocity * PerSampleValues.RoundTo(shared, velocity.dtype)                        // (B, C, H, W)
            : tensor(dt, device: sample.device).view(batch, 1, 1, 1).to(velocity.dtype) * velocity;
        // The sum is formed in float32 and cast to the latents' dtype; adding into delta (or its float32 copy) in place
        // saves a tensor per step.
        var prev = delta.dtype == ScalarType.Float32 ? delta : delta.to(ScalarType.Float32);  // (B, C, H, W)
        prev.add_(sample);                                                                       // (B, C, H, W)
        return (prev.dtype == sample.dtype ? prev : prev.to(sample.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>Forward noising x_σ = (1 − σ)·x0 + σ·ε per sample (diffusers' `scale_noise`).</summary>
    public static Tensor ScaleNoise(Tensor sample, Tensor noise, float[] sigma)
    {
        using var scope = NewDisposeScope();
        var s = tensor(sigma, device: sample.device).to(sample.dtype).view(sigma.Length, 1, 1, 1); // (B, 1, 1, 1)
        return (s * noise + (1.0 - s) * sample).MoveToOuterDisposeScope();                     // (B, C, H, W)
    }

    private double Shift(double sigma, double? mu)
    {
        if (mu is not { } m)
        {
            var s = _config.Shift;
            return s * sigma / (1 + (s - 1) * sigma);
        }
        return _config.TimeShiftType == "linear"
            ? m / (m + (1 / sigma - 1))
            : Math.Exp(m) / (Math.Exp(m) + (1 / sigma - 1));
    }

    // diffusers shifts the training sigmas in float32 torch arithmetic (the Python float shift becomes a float
    // scalar); only the first and last survive into set_timesteps. Dynamic shifting leaves them unshifted.
    private static (double Max, double Min) TrainSigmaRange(FlowMatchEulerDiscreteSchedulerConfig config)
    {
        float train = config.NumTrainTimesteps;
        float ShiftF32(float sigma)
        {
            if (config.UseDynamicShifting) return sigma;
            var s = (float)config.Shift;
            var sMinusOne = (float)(config.Shift - 1); // formed in Python (double) before the float32 multiply
            return s * sigma / (1f + sMinusOne * sigma);
        }
        return (ShiftF32(train / train), ShiftF32(1f / train));
    }

    // numpy.linspace in float64: start + i·step with step = (stop − start)/(n − 1), the endpoint set exactly.
    private static double[] Linspace(double start, double stop, int count)
    {
        var values = new double[count];
        if (count == 1)
        {
            values[0] = start;
            return values;
        }
        var step = (stop - start) / (count - 1);
        for (var i = 0; i < count; i++) values[i] = i * step + start;
        values[^1] = stop;
        return values;
    }
}
