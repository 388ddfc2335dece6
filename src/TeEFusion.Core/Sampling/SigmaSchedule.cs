namespace TeEFusion.Core.Sampling;

/// <summary>
/// One trajectory's noise levels: <see cref="Sigmas"/> has N+1 entries ending in the terminal 0, and
/// <see cref="Timesteps"/> (= σ·1000 in float32, what the model is fed) has N.
/// </summary>
public sealed record SigmaSchedule(float[] Sigmas, float[] Timesteps)
{
    public int NumSteps => Timesteps.Length;
}
