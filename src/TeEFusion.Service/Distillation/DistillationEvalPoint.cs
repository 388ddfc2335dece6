namespace TeEFusion.Service.Distillation;

/// <summary>One evaluation of a run's student against the teacher on the held-out prompts.</summary>
/// <param name="Iteration">Optimizer steps done when it was taken (0 = the untrained student).</param>
/// <param name="LatentMse">Mean squared difference of the final latents, student vs teacher.</param>
/// <param name="StudentPassesPerImage">Model passes the student spent per image.</param>
/// <param name="TeacherPassesPerImage">Model passes the teacher's sampler spent per image.</param>
/// <param name="StudentMs">Wall time of the student's sampling.</param>
/// <param name="TeacherMs">Wall time of the teacher's sampling (measured once).</param>
public sealed record DistillationEvalPoint(int Iteration, double LatentMse, int StudentPassesPerImage, int TeacherPassesPerImage, double StudentMs,
    double TeacherMs);
