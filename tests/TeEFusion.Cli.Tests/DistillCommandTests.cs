using System.CommandLine;
using System.Text.Json;
using System.Xml.Linq;
using TeEFusion.Cli.Commands;
using TeEFusion.Core.Distillation;
using TeEFusion.Tests.Shared;

namespace TeEFusion.Cli.Tests;

[Collection("Sequential")]
public sealed class DistillCommandTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-distill-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_short_run_writes_checkpoints_evaluations_and_a_student_folder_that_generate_loads()
    {
        var run = Path.Combine(_directory, "run");
        var eval = WritePrompts("eval.txt", "a green ball");

        var result = Distill(run, "--iterations", "2", "--eval-prompts", eval, "--eval-interval", "1");

        Assert.Equal(0, result.Exit);
        Assert.False(result.HasStackTrace, result.Error);
        Assert.Equal(["checkpoint-0000001", "checkpoint-0000002"],
            Directory.GetDirectories(run, "checkpoint-*").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("iteration 2/2  loss ", result.Error);
        foreach (var iteration in new[] { 0, 1, 2 }) Assert.Contains($"eval iteration {iteration}: latent MSE ", result.Output);
        Assert.Contains("image PSNR ", result.Output);
        Assert.Contains("student 2 passes", result.Output);
        Assert.Contains("teacher 4 passes", result.Output);

        var picture = Path.Combine(run, "loss.svg");
        Assert.Contains($"wrote the loss curve to {picture}", result.Output);
        var svg = XDocument.Parse(File.ReadAllText(picture)).Root!;
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal("Distillation run", svg.Element(ns + "title")!.Value);
        var loss = svg.Descendants(ns + "polyline").Single(p => (string?)p.Attribute("id") == "loss");
        Assert.Equal(2, loss.Attribute("points")!.Value.Split(' ').Length);
        Assert.Equal(["iteration 0", "iteration 1", "iteration 2"], svg.Descendants(ns + "circle")
            .Where(c => (string?)c.Attribute("class") == "mse").Select(c => c.Element(ns + "title")!.Value.Split(':')[0]));

        var folder = Path.Combine(run, "model");
        Assert.Contains($"wrote the student model folder to {folder}", result.Output);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "transformer", "config.json"))))
            Assert.True(config.RootElement.GetProperty("txt_align_guidance").GetBoolean());
        Assert.Equal(File.ReadAllBytes(Path.Combine(run, "transformer", "diffusion_pytorch_model.safetensors")),
            File.ReadAllBytes(Path.Combine(folder, "transformer", "diffusion_pytorch_model.safetensors")));

        var png = Path.Combine(_directory, "student.png");
        var generated = CliInvocation.Run(GenerateCommand.Create(), "--model", folder, "--prompt", "a red cube", "--sampler", "student",
            "--steps", "2", "--seed", "1", "--out", png);
        Assert.Equal(0, generated.Exit);
        Assert.True(new FileInfo(png).Length > 0, generated.Error);
    }

    [Fact]
    public void Rerunning_resumes_from_the_last_checkpoint_and_ends_where_a_straight_run_ends()
    {
        var (interrupted, straight) = (Path.Combine(_directory, "interrupted"), Path.Combine(_directory, "straight"));

        Assert.Equal(0, Distill(interrupted, "--iterations", "2").Exit);
        var resumed = Distill(interrupted, "--iterations", "3");
        var whole = Distill(straight, "--iterations", "3");

        Assert.Equal(0, resumed.Exit);
        Assert.Contains("from iteration 2/3", resumed.Error);
        Assert.DoesNotContain("iteration 1/3", resumed.Error);
        Assert.Contains("iteration 3/3  loss ", resumed.Error);
        Assert.Equal(0, whole.Exit);
        Assert.Contains("from iteration 0/3", whole.Error);
        // Deterministic given the seed: the resumed run's student is byte for byte the uninterrupted run's.
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "transformer", "diffusion_pytorch_model.safetensors")),
            File.ReadAllBytes(Path.Combine(interrupted, "transformer", "diffusion_pytorch_model.safetensors")));
    }

    [Theory]
    [InlineData("--lr", "-1", "LearningRate")]
    [InlineData("--g-min", "9", "GuidanceMin")]
    [InlineData("--iterations", "0", "Iterations")]
    [InlineData("--dtype", "float16", "ComputeDType")]
    [InlineData("--dtype", "int8", "Unknown dtype 'int8'")]
    [InlineData("--sampler", "student", "teacher")]
    [InlineData("--eval-interval", "-1", "--eval-interval")]
    [InlineData("--weight-decay", "-1", "--weight-decay")]
    [InlineData("--warmup-steps", "-1", "--warmup-steps")]
    [InlineData("--grad-clip-norm", "0", "--grad-clip-norm")]
    [InlineData("--ema-decay", "1.5", "--ema-decay")]
    [InlineData("--steps-per-trajectory", "3", "--steps-per-trajectory")]
    [InlineData("--rounds", "0", "--rounds")]
    [InlineData("--lambda-step", "-1", "--lambda-step")]
    [InlineData("--lr", "-1", "--lr")]
    public void A_bad_option_is_an_error_naming_it_and_writes_nothing(string option, string value, string named)
    {
        var run = Path.Combine(_directory, "bad");

        var result = Distill(run, option, value);

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("error: ", result.Error);
        Assert.Contains(named, result.Error);
        Assert.False(result.HasStackTrace, result.Error);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void The_command_offers_every_settings_knob_besides_its_inputs()
    {
        var options = DistillCommand.Create().Options.Select(o => o.Name).ToHashSet();
        var knobs = DistillationKnobs.All.Select(k => k.Option).ToHashSet();

        Assert.Superset(knobs, options);
        Assert.Equal(["--device", "--eval-prompts", "--out", "--prompts", "--size", "--teacher"], options.Except(knobs).Order());
    }

    [Fact]
    public void Every_settings_option_reaches_the_settings()
    {
        var knobs = new DistillKnobOptions();
        var command = new Command("distill");
        foreach (var option in knobs.Options) command.Options.Add(option);
        var parsed = command.Parse(DistillationKnobs.All.SelectMany(k => new[] { k.Option, DistillationKnobSamples.CommandLine(k) }).ToArray());
        Assert.Empty(parsed.Errors);

        var settings = knobs.Resolve(parsed);

        Assert.All(DistillationKnobs.All, k =>
            Assert.Equal(DistillationKnobSamples.ByField[k.Field], k.Read(settings)));
        Assert.Equal(DistillationKnobs.Defaults, knobs.Resolve(command.Parse([])));
    }

    [Fact]
    public void An_empty_prompt_file_and_a_missing_teacher_are_errors_naming_them()
    {
        var run = Path.Combine(_directory, "bad");
        var empty = WritePrompts("empty.txt", "", "  ");
        var missing = Path.Combine(_directory, "no-such-model");

        var noPrompts = CliInvocation.Run(DistillCommand.Create(), "--teacher", model.Root, "--prompts", empty, "--out", run);
        var noTeacher = CliInvocation.Run(DistillCommand.Create(), "--teacher", missing, "--prompts", WritePrompts("p.txt", "a cube"), "--out", run);

        Assert.NotEqual(0, noPrompts.Exit);
        Assert.Contains($"error: --prompts: {empty} holds no prompt", noPrompts.Error);
        Assert.NotEqual(0, noTeacher.Exit);
        Assert.Contains($"error: {missing}", noTeacher.Error);
        Assert.False(noPrompts.HasStackTrace || noTeacher.HasStackTrace, noPrompts.Error + noTeacher.Error);
        Assert.False(Directory.Exists(run));
    }

    private string WritePrompts(string name, params string[] lines)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    // A tiny, fast recipe: 2 teacher steps, one trajectory per step, a checkpoint every step.
    private CliInvocation Distill(string run, params string[] extra)
    {
        var options = new Dictionary<string, string>
        {
            ["--steps"] = "2", ["--lr"] = "1e-3", ["--seed"] = "5", ["--checkpoint-interval"] = "1", ["--iterations"] = "2",
        };
        for (var i = 0; i < extra.Length; i += 2) options[extra[i]] = extra[i + 1];
        string[] args = ["--teacher", model.Root, "--prompts", WritePrompts("prompts.txt", "a red cube", "a cat on a mat"), "--out", run,
            .. options.SelectMany(o => new[] { o.Key, o.Value })];
        return CliInvocation.Run(DistillCommand.Create(), args);
    }
}
