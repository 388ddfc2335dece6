using System.Text.RegularExpressions;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Models;

/// <summary>
/// Which models the configuration asks for, decided once at start-up as a pure function of the Model section: the list
/// Model:Serve; else the single folder Model:Path (id Model:Id); else, with Model:UseBundled, the bundled student
/// <see cref="BundledStudentId"/> and the teacher it carries, <see cref="BundledTeacherId"/>. Relative paths resolve
/// against the directory the service was started from.
/// </summary>
public static class ModelCatalog
{
    public const string BundledStudentId = "tiny-shapes";
    public const string BundledTeacherId = "tiny-shapes-teacher";

    /// <summary>The slots to load (the default first), or the reason there are none.</summary>
    /// <param name="options">The Model section.</param>
    /// <param name="startDirectory">What relative paths resolve against.</param>
    /// <param name="locateBundled">Finds the bundled student's folder; throws <see cref="DirectoryNotFoundException"/> naming where it looked.</param>
    public static (IReadOnlyList<ModelSlot> Slots, string? Error) Resolve(ModelOptions options, string startDirectory, Func<string> locateBundled)
    {
        List<ModelSlot> slots;
        if (options.Serve.Count > 0)
        {
            if (NullIfBlank(options.Path) is not null)
                return ([], "Set either Model:Serve (a list of models) or Model:Path (one model), not both.");
            var errors = new List<string>();
            slots = options.Serve.Select((entry, i) => FromEntry(entry, i, startDirectory, errors)).OfType<ModelSlot>().ToList();
            if (errors.Count > 0) return ([], string.Join(" ", errors));
        }
        else if (NullIfBlank(options.Path) is { } path)
        {
            slots = [Slot(NullIfBlank(options.Id), path, startDirectory) with { Version = NullIfBlank(options.Version) }];
        }
        else if (!options.UseBundled)
        {
            return ([], $"{ModelHost.PathNotSetMessage} (Model:UseBundled is off, so the bundled model is not used.)");
        }
        else
        {
            string student;
            try
            {
                student = locateBundled();
            }
            catch (DirectoryNotFoundException e)
            {
                return ([], $"{ModelHost.PathNotSetMessage} {e.Message}");
            }
            slots = [new ModelSlot(NullIfBlank(options.Id) ?? BundledStudentId, student, student, Version: NullIfBlank(options.Version))];
            var teacher = StudentModelFolder.TeacherOf(student);
            if (teacher != student) slots.Add(new ModelSlot(BundledTeacherId, teacher, teacher));
        }

        var duplicate = slots.GroupBy(s => s.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) return ([], $"Model id '{duplicate.Key}' is served twice; give each model its own Id.");
        if (NullIfBlank(options.Default) is not { } defaultId) return (slots, null);
        var index = slots.FindIndex(s => s.Id == defaultId);
        if (index < 0)
            return ([], $"Model:Default is '{defaultId}', which is not served; served: {string.Join(", ", slots.Select(s => s.Id))}.");
        return ([slots[index], .. slots.Where((_, i) => i != index)], null);
    }

    private static ModelSlot? FromEntry(ServedModelOptions entry, int index, string startDirectory, List<string> errors)
    {
        var at = $"Model:Serve:{index}";
        if (NullIfBlank(entry.Path) is not { } path)
        {
            errors.Add($"{at}:Path is empty; every served model needs a folder.");
            return null;
        }
        if (NullIfBlank(entry.Id) is { } id && !Regex.IsMatch(id, ModelOptions.IdPattern))
        {
            errors.Add($"{at}:Id '{id}' may hold only letters, digits and . _ : -");
            return null;
        }
        if (NullIfBlank(entry.Sampler) is { } sampler && !SamplerSettings.TryParse(sampler, out _))
        {
            errors.Add($"{at}:Sampler '{sampler}' is unknown; expected one of {string.Join(", ", SamplerSettings.Names)}.");
            return null;
        }
        return Slot(NullIfBlank(entry.Id), path, startDirectory) with
        {
            Sampler = NullIfBlank(entry.Sampler), Guidance = entry.Guidance, Steps = entry.Steps, Version = NullIfBlank(entry.Version),
        };
    }

    private static ModelSlot Slot(string? id, string path, string startDirectory)
    {
        var full = Path.GetFullPath(path, startDirectory);
        return new ModelSlot(id ?? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)), path, full);
    }

    internal static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
