namespace TeEFusion.Tooling.TinyShapes;

// A running window of recent losses for the progress lines.
internal static class TrainingLog
{
    private const int Window = 50;

    public static void Track(Queue<double> recent, double loss)
    {
        recent.Enqueue(loss);
        if (recent.Count > Window) recent.Dequeue();
    }
}
