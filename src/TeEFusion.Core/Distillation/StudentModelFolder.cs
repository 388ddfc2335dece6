namespace TeEFusion.Core.Distillation;

/// <summary>
/// A distilled student as a complete diffusers folder that the pipelines (service and CLI) load on their own: every
/// component of the teacher's folder (model_index.json, scheduler, text encoders, tokenizers, VAE) plus the student's
/// <c>transformer/</c> (config.json with txt_align_guidance true).
/// </summary>
public static class StudentModelFolder
{
    /// <summary>The folder's name inside a run folder.</summary>
    public const string DefaultName = "model";

    /// <summary>Where a student folder may carry the complete folder of the teacher it was distilled from.</summary>
    public const string TeacherFolder = "teacher";

    /// <summary>The teacher folder to distil from when serving <paramref name="folder"/>: its <see cref="TeacherFolder"/> when that holds a model, else the folder itself.</summary>
    public static string TeacherOf(string folder)
    {
        var teacher = Path.Combine(folder, TeacherFolder);
        return File.Exists(Path.Combine(teacher, IO.ModelFolder.IndexFileName)) ? teacher : folder;
    }

    /// <summary>Writes <paramref name="target"/> (replacing an older one) and returns it. Written under a temporary name and
    /// renamed, so that a half-copied folder is never loaded.</summary>
    /// <param name="teacherFolder">The teacher's diffusers folder.</param>
    /// <param name="studentTransformer">The student's transformer folder (what <see cref="DistillationCheckpoint.SaveTransformer"/> writes).</param>
    /// <param name="target">The folder to write.</param>
    public static string Write(string teacherFolder, string studentTransformer, string target)
    {
        if (!Directory.Exists(studentTransformer)) throw new DirectoryNotFoundException($"The student transformer is missing: {studentTransformer}.");
        if (!Directory.Exists(teacherFolder)) throw new DirectoryNotFoundException($"The teacher folder is missing: {teacherFolder}.");
        var partial = target + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        foreach (var entry in Directory.EnumerateFileSystemEntries(teacherFolder))
        {
            var name = Path.GetFileName(entry);
            if (name == DistillationCheckpoint.TransformerFolder) continue;
            Copy(entry, Path.Combine(partial, name));
        }
        Copy(studentTransformer, Path.Combine(partial, DistillationCheckpoint.TransformerFolder));
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.Move(partial, target);
        // The copy kept the teacher's times; the index's time is when this folder was made (what /v1/models calls `created`).
        File.SetLastWriteTimeUtc(Path.Combine(target, IO.ModelFolder.IndexFileName), DateTime.UtcNow);
        return target;
    }

    /// <summary>Copies a file or a directory tree.</summary>
    public static void Copy(string source, string destination)
    {
        if (File.Exists(source))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(source, destination);
            return;
        }
        Directory.CreateDirectory(destination);
        foreach (var entry in Directory.EnumerateFileSystemEntries(source)) Copy(entry, Path.Combine(destination, Path.GetFileName(entry)));
    }
}
