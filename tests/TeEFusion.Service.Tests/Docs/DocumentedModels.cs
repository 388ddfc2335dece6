using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Docs;

/// <summary>
/// The service the docs' requests run against: the tiny test model under the ids the docs name. The bundled pair's ids
/// serve the tiny student and the plain SD3 teacher it carries. The student that docs/teacher-and-student.md promotes
/// (<see cref="PromotedStudentId"/>) is the tiny student again; the promotion itself is TeacherToStudentFlowTests' to run.
/// </summary>
public static class DocumentedModels
{
    public const string PromotedStudentId = "tiny-shapes-student";

    public static ServiceFactory Service(TinyModelFolder model) => new(modelPath: null, new Dictionary<string, string?>
    {
        ["Model:Serve:0:Id"] = ModelCatalog.BundledStudentId,
        ["Model:Serve:0:Path"] = model.Path,
        ["Model:Serve:1:Id"] = ModelCatalog.BundledTeacherId,
        ["Model:Serve:1:Path"] = Path.Combine(model.Path, "teacher"),
        ["Model:Serve:2:Id"] = PromotedStudentId,
        ["Model:Serve:2:Path"] = model.Path,
        // docs/webhooks.md's job names a webhook, which the operator turns on with a secret (its host is never reached here).
        ["Webhooks:Secret"] = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
    });
}
