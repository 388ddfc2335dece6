using TeEFusion.Core.Distillation;

namespace TeEFusion.Service.Distillation;

/// <summary>One evaluation of a run's student against the teacher on the held-out prompts.</summary>
/// <param name="Iteration">Optimizer steps done when it was taken (0 = the untrained student).</param>
/// <param name="LatentMse">Mean squared difference of the final latents, student vs teacher.</param>
/// <param name="ImagePsnr">Mean PSNR in dB of the student's decoded images against the teacher's, on [0, 1] (higher is closer).</param>
/// <param name="StudentPassesPerImage">Model passes the student spent per image.</param>
/// <param name="TeacherPassesPerImage">Model passes the teacher's sampler spent per image.</param>
/// <param name="StudentMs">Wall time of the student's sampling of all evaluation images.</param>
/// <param name="TeacherMs">Wall time of the teacher's sampling of all evaluation images (measured once).</param>
/// <param name="Images">Evaluation images (one per held-out prompt, seed 0).</param>
/// <param name="StudentMsPerImage">The student's sampling time per image.</param>
/// <param name="TeacherMsPerImage">The teacher's sampling time per image.</param>
/// <param name="DecodeMsPerImage">One VAE decode: the PSNR's own cost, paid alike for both.</param>
public sealed record DistillationEvalPoint(int Iteration, double LatentMse, double? ImagePsnr, int StudentPassesPerImage, int TeacherPassesPerImage,
    double StudentMs, double TeacherMs, int Images, double StudentMsPerImage, double TeacherMsPerImage, double? DecodeMsPerImage)
{
    /// <summary>The point of an evaluation taken after <paramref name="iteration"/> optimizer steps.</summary>
    public static DistillationEvalPoint From(int iteration, DistillationEvaluation e) =>
        new(iteration, e.LatentMse, e.ImagePsnr, e.StudentPassesPerImage, e.TeacherPassesPerImage, e.StudentMilliseconds, e.TeacherMilliseconds,
            e.Images, e.StudentMsPerImage, e.TeacherMsPerImage, e.DecodeMsPerImage);
}
