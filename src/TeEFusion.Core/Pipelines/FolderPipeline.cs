using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// The pipeline a folder was made for, read from its transformer/config.json: a TeEFusion student
/// (<c>txt_align_guidance: true</c>) runs the one-pass <see cref="StudentPipeline"/>; a plain SD3 / SD3.5 folder runs the
/// guided <see cref="TeacherPipeline"/>. A plain folder is never run with the fused guidance term it was not trained with.
/// </summary>
public static class FolderPipeline
{
    /// <summary>True when the folder at <paramref name="root"/> is a TeEFusion student.</summary>
    /// <exception cref="ModelFormatException">The folder, its index or its transformer config is missing or invalid.</exception>
    public static bool IsStudent(string root)
    {
        var folder = ModelFolder.Open(root);
        return SD3TransformerConfig.Load(folder.RequireFile("transformer", "config.json")).TxtAlignGuidance;
    }

    /// <summary>Loads the folder with the pipeline <see cref="IsStudent"/> picks.</summary>
    public static SD3Pipeline Load(string root, PipelineOptions options) =>
        IsStudent(root) ? StudentPipeline.Load(root, options) : TeacherPipeline.Load(root, options);
}
