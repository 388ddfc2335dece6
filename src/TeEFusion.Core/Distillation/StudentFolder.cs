namespace TeEFusion.Core.Distillation;

/// <summary>Assembles a complete diffusers folder for a student: every component of its teacher's folder but the transformer.</summary>
public static class StudentFolder
{
    /// <summary>
    /// Copies <paramref name="teacherFolder"/> without its transformer/ and <paramref name="studentTransformer"/> as
    /// transformer/ into <paramref name="target"/>. Written under a temporary name and renamed, so a half-copied folder
    /// is never loaded. Entries named in <paramref name="exclude"/> (top level) are not copied.
    /// </summary>
    public static void Assemble(string teacherFolder, string studentTransformer, string target, IReadOnlySet<string>? exclude = null)
    {
        if (!Directory.Exists(studentTransformer)) throw new DirectoryNotFoundException($"The student is missing: {studentTransformer}.");
        var partial = target + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        foreach (var entry in Directory.EnumerateFileSystemEntries(teacherFolder))
        {
            var name = Path.GetFileName(entry);
            if (name == DistillationCheckpoint.TransformerFolder || exclude?.Contains(name) == true) continue;
            Copy(entry, Path.Combine(partial, name));
        }
        Copy(studentTransformer, Path.Combine(partial, DistillationCheckpoint.TransformerFolder));
        Directory.Move(partial, target);
    }

    /// <summary>Copies a file or a directory tree.</summary>
    public static void Copy(string source, string destination)
    {
        if (File.Exists(source))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(source, destination, overwrite: true);
            return;
        }
        Directory.CreateDirectory(destination);
        foreach (var entry in Directory.EnumerateFileSystemEntries(source)) Copy(entry, Path.Combine(destination, Path.GetFileName(entry)));
    }
}
