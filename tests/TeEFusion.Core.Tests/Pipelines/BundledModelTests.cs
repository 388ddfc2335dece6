using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.TinyShapes;

namespace TeEFusion.Core.Tests.Pipelines;

public sealed class BundledModelTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("teefusion-bundled-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_folder_beside_the_app_comes_first()
    {
        var app = Model("app");
        Model("repo");
        var deep = Folder("repo", "src", "service");

        Assert.Equal(app, BundledModel.Locate(Path.Combine(_root, "app"), deep));
    }

    [Fact]
    public void Without_one_beside_the_app_it_walks_up_from_the_current_directory()
    {
        var repo = Model("repo");
        var deep = Folder("repo", "tests", "bin", "Debug");

        Assert.Equal(repo, BundledModel.Locate(Folder("app"), deep));
    }

    [Fact]
    public void A_folder_without_model_index_json_is_passed_over()
    {
        var repo = Model("repo");
        Folder("repo", "src", "models", "tiny-shapes");

        Assert.Equal(repo, BundledModel.Locate(Folder("app"), Folder("repo", "src")));
    }

    [Fact]
    public void None_found_is_an_error_naming_the_places_searched()
    {
        var (app, current) = (Folder("app"), Folder("elsewhere", "deep"));

        var error = Assert.Throws<DirectoryNotFoundException>(() => BundledModel.Locate(app, current));

        Assert.Contains(Path.Combine(app, "models", "tiny-shapes"), error.Message);
        Assert.Contains(current, error.Message);
        Assert.Contains("every folder above it", error.Message);
    }

    [Fact]
    public void The_shipped_student_and_teacher_default_to_the_recipes_guidance()
    {
        var student = BundledModel.Locate();

        Assert.Equal(TinyShapesRecipe.Full.DefaultGuidance, ModelFolder.Open(student).DefaultGuidance);
        Assert.Equal(TinyShapesRecipe.Full.DefaultGuidance, ModelFolder.Open(Path.Combine(student, StudentModelFolder.TeacherFolder)).DefaultGuidance);
    }

    private string Model(string under)
    {
        var folder = Folder(under, "models", "tiny-shapes");
        File.WriteAllText(Path.Combine(folder, "model_index.json"), "{}");
        return folder;
    }

    private string Folder(params string[] parts) => Directory.CreateDirectory(Path.Combine([_root, .. parts])).FullName;
}
