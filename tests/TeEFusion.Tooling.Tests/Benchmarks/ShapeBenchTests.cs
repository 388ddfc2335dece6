using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Tests.Pipelines;
using TeEFusion.Tooling.Benchmarks;
using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Tests.Benchmarks;

/// <summary>
/// ShapeBench's plumbing on a tiny RANDOM model (its images are noise, so accuracies are not asserted, only that they are
/// what the detector reads): the prompt list, the result's structure, and costs that follow from the samplers' rules.
/// The tiny preset makes 64×64 images (pos_embed_max_size 16 · patch 2 · VAE factor 2), as the detector needs.
/// </summary>
[Collection("Sequential")]
public sealed class ShapeBenchTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const int Steps = 3;

    private static readonly ShapeBenchOptions Small = new()
    {
        PromptsPerSplit = 2, Seeds = 2, BatchSize = 3, Steps = Steps, Guidance = 4.0, WarmupBatches = 1,
        Splits = [ShapeBenchSplit.Seen, ShapeBenchSplit.HeldOut],
    };

    [Fact]
    public void Prompts_are_fixed_spread_over_the_split_and_numbered_by_seed()
    {
        var options = new ShapeBenchOptions { PromptsPerSplit = 16, Seeds = 3 };
        foreach (var split in new[] { ShapeBenchSplit.Seen, ShapeBenchSplit.HeldOut, ShapeBenchSplit.WordingSeen, ShapeBenchSplit.WordingHeldOut })
        {
            var prompts = ShapeBench.Prompts(split, options);

            Assert.Equal(prompts, ShapeBench.Prompts(split, options));
            Assert.Equal(16 * 3, prompts.Count);
            Assert.All(prompts, p => Assert.Equal(split.Combinations, ShapeSplits.Of(p.Single!)));
            Assert.Equal(16, prompts.Select(p => p.Single).Distinct().Count());
            Assert.Equal(Enumerable.Range(0, 48).Select(i => (long)i), prompts.Select(p => p.Seed));
            // Spread, not the first 16 in enumeration order (which would all share one background).
            Assert.True(prompts.Select(p => p.Single!.Background).Distinct().Count() >= 4);
        }
    }

    [Fact]
    public void The_wording_split_asks_for_the_canonical_combinations_in_wording_only_phrasings()
    {
        var options = new ShapeBenchOptions { PromptsPerSplit = 32, Seeds = 1 };
        var markers = ShapePhrasings.Wording.MarkerWords.ToHashSet();
        foreach (var (canonical, wording) in new[] { (ShapeBenchSplit.Seen, ShapeBenchSplit.WordingSeen), (ShapeBenchSplit.HeldOut, ShapeBenchSplit.WordingHeldOut) })
        {
            var (plain, reworded) = (ShapeBench.Prompts(canonical, options), ShapeBench.Prompts(wording, options));

            Assert.Equal(plain.Select(p => p.Single), reworded.Select(p => p.Single));
            Assert.All(reworded, p => Assert.Contains(ShapeCaptionText.Words(p.Caption), markers.Contains));
            Assert.True(reworded.Select(p => p.Caption).Distinct().Count() >= 24);
        }
    }

    [Fact]
    public void The_two_object_splits_ask_for_pairs_of_their_split_by_their_canonical_caption()
    {
        var options = new ShapeBenchOptions { PromptsPerSplit = 16, Seeds = 2 };
        foreach (var split in new[] { ShapeBenchSplit.TwoObjectSeen, ShapeBenchSplit.TwoObjectHeldOut })
        {
            var prompts = ShapeBench.Prompts(split, options);

            Assert.Equal(32, prompts.Count);
            Assert.All(prompts, p => Assert.Equal((split.Combinations, p.Pair!.Caption), (ShapeSplits.Of(p.Pair), p.Caption)));
            Assert.Equal(4, prompts.Select(p => p.Pair!.Relation).Distinct().Count());
        }
    }

    [Theory]
    [InlineData("all", 6)]
    [InlineData("canonical", 2)]
    [InlineData("Wording, two-object", 4)]
    public void Split_names_select_seen_and_held_out_of_each_kind(string names, int count) =>
        Assert.Equal(count, ShapeBenchSplit.Parse(names).Count);

    [Fact]
    public void An_unknown_split_name_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ShapeBenchSplit.Parse("canonical,odd"));
        Assert.Contains("'odd'", error.Message);
        Assert.Contains("canonical, wording, two-object, all", error.Message);
    }

    [Fact]
    public void A_split_smaller_than_the_count_gives_each_combination_once_per_seed()
    {
        var heldOut = ShapeSplits.Combinations(ShapeSplit.HeldOut);

        var prompts = ShapeBench.Prompts(ShapeBenchSplit.HeldOut, new ShapeBenchOptions { PromptsPerSplit = 100_000, Seeds = 1 });

        Assert.Equal(heldOut, prompts.Select(p => p.Single));
    }

    [Fact]
    public void Every_configuration_reports_both_splits_with_the_costs_of_its_sampler()
    {
        var result = ShapeBench.Run(model.Root, model.Root, Small);

        Assert.Equal(["no-guidance", "euler-cfg", "z-sampling", "w2sd", "student"], result.Configurations.Select(c => c.Name));
        Assert.Equal((64, Steps, 4.0, 2, 2, 3), (result.ImageSize, result.Steps, result.Guidance, result.PromptsPerSplit, result.Seeds, result.BatchSize));
        // The samplers' documented costs: CFG evaluates both branches (2 per step, also at g = 1); a Z-Sampling step
        // adds a zag and a zig (4 more) on every step but the last, a W2SD step a strong denoise and a weak inversion (4
        // more); the student makes one pass per step.
        var expectedPasses = new Dictionary<string, double>
        {
            ["no-guidance"] = 2 * Steps, ["euler-cfg"] = 2 * Steps, ["z-sampling"] = 2 * Steps + 4 * (Steps - 1), ["w2sd"] = 2 * Steps + 4 * (Steps - 1),
            ["student"] = Steps,
        };
        var expectedGuidance = new Dictionary<string, double>
        {
            ["no-guidance"] = 1.0, ["euler-cfg"] = 4.0, ["z-sampling"] = 4.0, ["w2sd"] = 4.0, ["student"] = 4.0,
        };
        foreach (var configuration in result.Configurations)
        {
            Assert.Equal(expectedGuidance[configuration.Name], configuration.Guidance);
            Assert.Equal(configuration.Name == "student" ? "student" : "teacher", configuration.Model);
            Assert.Equal(["seen", "held-out"], configuration.Splits.Select(s => s.Split));
            foreach (var split in configuration.Splits)
            {
                var prompts = ShapeBench.Prompts(split.Split == "seen" ? ShapeBenchSplit.Seen : ShapeBenchSplit.HeldOut, Small);
                Assert.Equal(prompts.Select(p => (p.Caption, p.Seed)), split.Images.Select(i => (i.Prompt, i.Seed)));
                Assert.Equal(expectedPasses[configuration.Name], split.PassesPerImage);
                Assert.True(split.MsPerImage > 0, $"{configuration.Name} {split.Split}: {split.MsPerImage} ms/image");
                Assert.InRange(split.DenoiseMsPerImage, double.Epsilon, split.MsPerImage);
                AssertScoresMatchImages(split);
            }
        }
        Assert.Contains(result.Notes, n => n.Contains("g = 1") && n.Contains("2 passes per step"));
        // The tiny folder is a TeEFusion student, so the teacher pipeline says it runs it as plain SD3.
        Assert.Contains(result.Warnings, w => w.Contains("txt_align_guidance = true"));
    }

    [Fact]
    public void The_reported_detection_is_what_the_detector_reads_on_the_image_the_pipeline_makes()
    {
        var options = Small with { Configurations = [ShapeBenchConfiguration.Student], WarmupBatches = 0 };
        var reported = ShapeBench.Run(model.Root, model.Root, options).Configurations.Single().Split(ShapeBenchSplit.HeldOut).Images[1];

        var png = model.Student.Generate(new GenerationRequest(reported.Prompt)
        {
            Seed = reported.Seed, Steps = Steps, Guidance = 4.0, Width = 64, Height = 64,
        }).Images[0].Png;

        Assert.Equal(ShapeBench.DetectPng(png).Attributes?.Caption, reported.Detected);
    }

    [Fact]
    public void DetectPng_reads_a_rendered_scene_and_refuses_other_sizes()
    {
        var scene = ShapeScene.Centered(new ShapeAttributes(Background: 4, Object: 2, ShapeKind.Triangle, new ShapePosition(0, 2), ShapeSize.Large));

        Assert.Equal(scene.Attributes, ShapeBench.DetectPng(Png(ShapeRenderer.Render(scene), 64)).Attributes);
        var error = Assert.Throws<ArgumentException>(() => ShapeBench.DetectPng(Png(new byte[32 * 32 * 3], 32)));
        Assert.Contains("64x64", error.Message);
    }

    [Fact]
    public void Only_the_folder_a_configuration_needs_is_loaded()
    {
        var missing = Path.Combine(Path.GetTempPath(), "teefusion-no-teacher-" + Guid.NewGuid().ToString("N"));
        var options = Small with { Configurations = [ShapeBenchConfiguration.Student], PromptsPerSplit = 1, Seeds = 1, WarmupBatches = 0 };

        var result = ShapeBench.Run(model.Root, missing, options);

        Assert.Equal(["student"], result.Configurations.Select(c => c.Name));
        var error = Assert.Throws<ModelFormatException>(() => ShapeBench.Run(model.Root, missing, options with { Configurations = [ShapeBenchConfiguration.EulerCfg] }));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Configurations_take_turns_batch_by_batch_so_a_slow_spell_slows_them_alike()
    {
        var log = new List<string>();
        var options = Small with
        {
            Configurations = [ShapeBenchConfiguration.Student, ShapeBenchConfiguration.EulerCfg],
            PromptsPerSplit = 2, Seeds = 2, BatchSize = 2, Steps = 1, WarmupBatches = 0,
        };

        ShapeBench.Run(model.Root, model.Root, options, log.Add);

        var batches = log.Where(l => l.Contains(": batch ")).Select(l => l[..l.IndexOf(',')]);
        Assert.Equal(
        [
            "euler-cfg seen: batch 1/2", "student seen: batch 1/2", "euler-cfg seen: batch 2/2", "student seen: batch 2/2",
            "euler-cfg held-out: batch 1/2", "student held-out: batch 1/2", "euler-cfg held-out: batch 2/2", "student held-out: batch 2/2",
        ], batches);
    }

    [Theory]
    [InlineData(3.0, 3.0)]
    [InlineData(null, StudentPipeline.StudentDefaultGuidance)]
    public void Without_a_guidance_the_bench_runs_at_the_student_folders_default(double? folderDefault, double expected)
    {
        var folder = model.Copy();
        if (folderDefault is { } g) ModelFolder.WriteDefaultGuidance(folder, g);
        var options = Small with
        {
            Guidance = null, Configurations = [ShapeBenchConfiguration.Student, ShapeBenchConfiguration.NoGuidance],
            PromptsPerSplit = 1, Seeds = 1, Steps = 1, WarmupBatches = 0,
        };

        var result = ShapeBench.Run(folder, folder, options);

        Assert.Equal(expected, result.Guidance);
        Assert.Equal(expected, result.Configurations.Single(c => c.Name == "student").Guidance);
        Assert.Equal(1.0, result.Configurations.Single(c => c.Name == "no-guidance").Guidance);
    }

    [Theory]
    [InlineData(16, 48)]
    [InlineData(48, 1024)]
    public void A_model_that_cannot_make_64x64_images_is_refused(int sizeMultiple, int maxImageSize)
    {
        var error = Assert.Throws<ArgumentException>(() => ShapeBench.CheckImageSize(sizeMultiple, maxImageSize, "/models/x"));

        Assert.Contains("64x64", error.Message);
        Assert.Contains("/models/x", error.Message);
    }

    [Theory]
    [InlineData("PromptsPerSplit")]
    [InlineData("Seeds")]
    [InlineData("BatchSize")]
    [InlineData("Steps")]
    [InlineData("WarmupBatches")]
    [InlineData("Guidance")]
    [InlineData("Configurations")]
    [InlineData("Splits")]
    public void Bad_options_are_refused_naming_the_field(string field)
    {
        var options = field switch
        {
            "PromptsPerSplit" => Small with { PromptsPerSplit = 0 },
            "Seeds" => Small with { Seeds = 0 },
            "BatchSize" => Small with { BatchSize = 0 },
            "Steps" => Small with { Steps = 0 },
            "WarmupBatches" => Small with { WarmupBatches = -1 },
            "Splits" => Small with { Splits = [] },
            "Guidance" => Small with { Guidance = double.NaN },
            _ => Small with { Configurations = [] },
        };

        var error = Assert.Throws<ArgumentException>(() => ShapeBench.Run(model.Root, model.Root, options));

        Assert.Equal(field, error.ParamName);
    }

    [Theory]
    [InlineData("all", new[] { "no-guidance", "euler-cfg", "z-sampling", "w2sd", "student" })]
    [InlineData("Z-Sampling", new[] { "z-sampling" })]
    [InlineData(" student ", new[] { "student" })]
    public void Configuration_names_parse(string name, string[] expected) =>
        Assert.Equal(expected, ShapeBenchConfiguration.Parse(name).Select(c => c.Name));

    [Fact]
    public void An_unknown_configuration_name_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ShapeBenchConfiguration.Parse("dpm"));

        Assert.Contains("'dpm'", error.Message);
        Assert.Contains("no-guidance, euler-cfg, z-sampling, w2sd, student, all", error.Message);
    }

    private static byte[] Png(byte[] rgb, int size)
    {
        using var image = Image.LoadPixelData<Rgb24>(rgb, size, size);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static void AssertScoresMatchImages(ShapeBenchSplitResult split)
    {
        foreach (var attribute in ShapeBenchSplitResult.Attributes)
            Assert.Equal(split.Images.Count(i => !i.Wrong.Contains(attribute)) / (double)split.Images.Count, split.Accuracy[attribute]);
        Assert.Equal(split.Images.Count(i => i.Wrong.Count == 0) / (double)split.Images.Count, split.AllCorrect);
        Assert.Equal(split.Images.Count(i => i.Detected is null), split.NoObject);
        Assert.All(split.Images.Where(i => i.Detected is null), i => Assert.Equal(5, i.Wrong.Count));
    }
}
