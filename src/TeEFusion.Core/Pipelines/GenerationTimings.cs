namespace TeEFusion.Core.Pipelines;

/// <summary>Wall-clock milliseconds per phase of one <see cref="SD3Pipeline.Generate(IReadOnlyList{ResolvedGenerationRequest}, Action{TeEFusion.Core.Sampling.SamplingProgress}?, CancellationToken)"/> call.</summary>
public sealed record GenerationTimings(double TokenizeMs, double EncodeMs, double DenoiseMs, double DecodeMs, double PngMs)
{
    public double TotalMs => TokenizeMs + EncodeMs + DenoiseMs + DecodeMs + PngMs;

    public override string ToString() =>
        $"tokenize {TokenizeMs:F1} ms, encode {EncodeMs:F1} ms, denoise {DenoiseMs:F1} ms, decode {DecodeMs:F1} ms, png {PngMs:F1} ms (total {TotalMs:F1} ms)";
}
