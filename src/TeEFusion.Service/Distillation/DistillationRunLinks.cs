namespace TeEFusion.Service.Distillation;

/// <summary>A run's routes, as paths on this service (like the 202's Location).</summary>
/// <param name="Self">GET: the run (this JSON).</param>
/// <param name="Events">GET: its server-sent events.</param>
/// <param name="LossSvg">GET: its loss curve and evaluations as an SVG picture.</param>
public sealed record DistillationRunLinks(string Self, string Events, string LossSvg)
{
    public static DistillationRunLinks For(string id)
    {
        var self = $"/admin/distillations/{Uri.EscapeDataString(id)}";
        return new DistillationRunLinks(self, self + "/events", self + "/loss.svg");
    }
}
