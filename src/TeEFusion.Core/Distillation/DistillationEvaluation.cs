namespace TeEFusion.Core.Distillation;

/// <summary>How close the student's 1-pass/step sampling comes to the teacher's sampler on held-out prompts, and what each costs.</summary>
/// <param name="LatentMse">Mean squared difference of the final latents over every prompt × seed.</param>
/// <param name="StudentPassesPerImage">Model passes the student spent per image.</param>
/// <param name="TeacherPassesPerImage">Model passes the teacher's sampler spent per image.</param>
/// <param name="StudentMilliseconds">Wall time of the student's sampling of all evaluation images.</param>
/// <param name="TeacherMilliseconds">Wall time of the teacher's sampling of the same images (measured once).</param>
/// <param name="Images">Evaluation images (prompts × seeds).</param>
/// <param name="ImagePsnr">
/// Mean over the images of the PSNR in dB between the student's and the teacher's decoded images on [0, 1]
/// (10·log10(1 / MSE), capped at <see cref="DistillationEvaluator.MaxPsnr"/> for identical images); null without a VAE.
/// </param>
/// <param name="DecodeMsPerImage">Wall time of one VAE decode (the PSNR's own cost, the same for both); null without a VAE.</param>
public sealed record DistillationEvaluation(double LatentMse, int StudentPassesPerImage, int TeacherPassesPerImage,
    double StudentMilliseconds, double TeacherMilliseconds, int Images = 1, double? ImagePsnr = null, double? DecodeMsPerImage = null)
{
    /// <summary>The student's sampling time per image.</summary>
    public double StudentMsPerImage => StudentMilliseconds / Images;

    /// <summary>The teacher's sampling time per image.</summary>
    public double TeacherMsPerImage => TeacherMilliseconds / Images;
}
