using System.Text.RegularExpressions;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Distillation;

/// <summary>Which served model a run learns from and under which id its student is served once promoted.</summary>
/// <param name="TeacherModel">The served model named as the teacher.</param>
/// <param name="TeacherFolder">The plain SD3 folder distilled: that model's own folder, or the teacher folder a served student carries.</param>
/// <param name="StudentModel">The id promotion serves the student under: an existing student's id (replaced) or a new one (added).</param>
public sealed record DistillationModels(string TeacherModel, string TeacherFolder, string StudentModel)
{
    /// <summary>The suffix of the id a student gets by default when its teacher is a plain folder.</summary>
    public const string StudentSuffix = "-student";

    /// <summary>
    /// Resolves `teacher_model` (default: the default model) and `student_model` (default: the student the teacher came from,
    /// else <c>{teacher}-student</c>) against the configured models; errors are keyed by field.
    /// </summary>
    public static DistillationModels? Resolve(string? teacherModel, string? studentModel, IReadOnlyList<ServedModel> served,
        Dictionary<string, string[]> errors)
    {
        var teacher = teacherModel is null ? served.FirstOrDefault() : served.FirstOrDefault(m => m.Id == teacherModel);
        if (teacher is null)
        {
            errors["teacher_model"] = [served.Count == 0 ? "No model is served to distil from." : ServedModel.NotServed(teacherModel, served)];
            return null;
        }
        string folder;
        bool fromStudent;
        try
        {
            fromStudent = FolderPipeline.IsStudent(teacher.Slot.FullPath);
            folder = fromStudent ? StudentModelFolder.TeacherOf(teacher.Slot.FullPath) : teacher.Slot.FullPath;
        }
        catch (ModelFormatException e)
        {
            errors["teacher_model"] = [$"Model '{teacher.Id}' cannot be read: {e.Message}"];
            return null;
        }
        if (fromStudent && folder == teacher.Slot.FullPath)
        {
            errors["teacher_model"] = [$"Model '{teacher.Id}' is a TeEFusion student and carries no teacher folder ({StudentModelFolder.TeacherFolder}/); name a plain SD3 model."];
            return null;
        }

        var student = studentModel ?? (fromStudent ? teacher.Id : teacher.Id + StudentSuffix);
        if (!Regex.IsMatch(student, ModelOptions.IdPattern) || student.Length > 128)
        {
            errors["student_model"] = [$"'{student}' is not a valid model id: letters, digits and . _ : - (at most 128)."];
            return null;
        }
        if (served.FirstOrDefault(m => m.Id == student) is { } existing && !IsStudent(existing))
        {
            errors["student_model"] = [$"'{student}' is a guided teacher; promotion replaces only a TeEFusion student or adds a new id."];
            return null;
        }
        return new DistillationModels(teacher.Id, folder, student);
    }

    private static bool IsStudent(ServedModel model)
    {
        try
        {
            return FolderPipeline.IsStudent(model.Slot.FullPath);
        }
        catch (ModelFormatException)
        {
            return false;
        }
    }
}
