namespace TeEFusion.Tooling.TinyShapes;

// Learning rates for the stage trainers: linear warm-up, then a cosine decay to a tenth of the peak, which sharpens the
// end of short CPU runs that cannot afford to wait for a plateau.
internal static class TrainingSchedule
{
    public static double Cosine(double peak, int step, int steps, int warmup)
    {
        if (step < warmup) return peak * (step + 1) / warmup;
        var progress = (step - warmup) / (double)Math.Max(1, steps - warmup);
        return peak * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
