using TeEFusion.Service.Models;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Tests.Serving;

/// <summary>Which models the Model section asks for, decided without loading anything.</summary>
public sealed class ModelCatalogTests
{
    private const string Start = "/srv/app";
    private const string Bundled = "/opt/teefusion/models/tiny-shapes";

    private static (IReadOnlyList<ModelSlot> Slots, string? Error) Resolve(ModelOptions options, Func<string>? locate = null) =>
        ModelCatalog.Resolve(options, Start, locate ?? (() => Bundled));

    [Fact]
    public void A_served_list_keeps_its_ids_order_and_defaults_and_resolves_relative_paths_against_the_start_directory()
    {
        var (slots, error) = Resolve(new ModelOptions
        {
            Serve =
            [
                new ServedModelOptions { Id = "student", Path = "models/s", Guidance = 3, Steps = 8 },
                new ServedModelOptions { Path = "/data/sd35-medium", Sampler = "z-sampling", Version = "v2" },
            ],
        });

        Assert.Null(error);
        Assert.Equal(
            [
                new ModelSlot("student", "models/s", "/srv/app/models/s", Guidance: 3, Steps: 8),
                new ModelSlot("sd35-medium", "/data/sd35-medium", "/data/sd35-medium", Sampler: "z-sampling", Version: "v2"),
            ], slots);
    }

    [Fact]
    public void The_default_model_comes_first()
    {
        var (slots, error) = Resolve(new ModelOptions
        {
            Default = "b",
            Serve = [new ServedModelOptions { Id = "a", Path = "a" }, new ServedModelOptions { Id = "b", Path = "b" }, new ServedModelOptions { Id = "c", Path = "c" }],
        });

        Assert.Null(error);
        Assert.Equal(["b", "a", "c"], slots.Select(s => s.Id));
    }

    [Fact]
    public void One_path_serves_one_model_named_after_its_folder_or_its_id()
    {
        Assert.Equal([new ModelSlot("teacher", "models/tiny-shapes/teacher", "/srv/app/models/tiny-shapes/teacher")],
            Resolve(new ModelOptions { Path = "models/tiny-shapes/teacher" }).Slots);
        Assert.Equal("house", Resolve(new ModelOptions { Path = "/m/x/", Id = "house" }).Slots.Single().Id);
    }

    [Fact]
    public void Nothing_configured_serves_the_bundled_student_and_the_teacher_it_carries()
    {
        var root = Directory.CreateTempSubdirectory("catalog-").FullName;
        try
        {
            var student = Path.Combine(root, "tiny-shapes");
            Directory.CreateDirectory(Path.Combine(student, "teacher"));
            File.WriteAllText(Path.Combine(student, "teacher", "model_index.json"), "{}");

            var (slots, error) = Resolve(new ModelOptions(), () => student);

            Assert.Null(error);
            Assert.Equal([(ModelCatalog.BundledStudentId, student), (ModelCatalog.BundledTeacherId, Path.Combine(student, "teacher"))],
                slots.Select(s => (s.Id, s.FullPath)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    public static TheoryData<string, ModelOptions, string> Refusals => new()
    {
        { "a list and a path", new ModelOptions { Path = "x", Serve = [new ServedModelOptions { Path = "y" }] }, "either Model:Serve" },
        { "an entry without a folder", new ModelOptions { Serve = [new ServedModelOptions { Id = "a" }] }, "Model:Serve:0:Path is empty" },
        { "a bad id", new ModelOptions { Serve = [new ServedModelOptions { Id = "a b", Path = "x" }] }, "Model:Serve:0:Id 'a b'" },
        { "an unknown sampler", new ModelOptions { Serve = [new ServedModelOptions { Path = "x", Sampler = "dpm" }] }, "Model:Serve:0:Sampler 'dpm' is unknown" },
        { "one id twice", new ModelOptions { Serve = [new ServedModelOptions { Path = "a/m" }, new ServedModelOptions { Path = "b/m" }] }, "'m' is served twice" },
        { "a default that is not served", new ModelOptions { Default = "z", Path = "a" }, "Model:Default is 'z', which is not served; served: a" },
        { "no bundled model wanted", new ModelOptions { UseBundled = false }, "Model:UseBundled is off" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_configuration_that_cannot_be_served_says_why(string _, ModelOptions options, string expected)
    {
        var (slots, error) = Resolve(options);

        Assert.Empty(slots);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_missing_bundled_model_names_where_it_was_looked_for()
    {
        var (slots, error) = Resolve(new ModelOptions(), () => throw new DirectoryNotFoundException("looked in /a and /b"));

        Assert.Empty(slots);
        Assert.Contains("No model is configured", error);
        Assert.Contains("looked in /a and /b", error);
    }
}
