using System.CommandLine;
using TeEFusion.Core.Imaging;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;

namespace TeEFusion.Cli.Commands;

/// <summary>`teefusion generate`: one image (PNG, JPEG or WebP) from a diffusers folder with the student or a teacher sampler.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Diffusers model folder (holds model_index.json; default: the bundled models/tiny-shapes)." };
        var prompt = new Option<string>("--prompt") { Description = "What to draw.", Required = true };
        var negative = new Option<string>("--negative-prompt") { Description = "Replaces the null prompt \"\" (fused term and CFG).", DefaultValueFactory = _ => "" };
        var seed = new Option<long?>("--seed") { Description = "Noise seed (default: random, printed)." };
        var steps = new Option<int?>("--steps") { Description = $"Denoising steps (default {SD3Pipeline.DefaultSteps})." };
        var guidance = new Option<double?>("--guidance")
        {
            Description = $"Guidance scale (default: the model's {ModelFolder.DefaultGuidanceKey}, else {StudentPipeline.StudentDefaultGuidance} student, {TeacherPipeline.TeacherDefaultGuidance} teachers).",
        };
        var width = new Option<int?>("--width") { Description = "Width in pixels, a multiple of 16 (default: the model's native size)." };
        var height = new Option<int?>("--height") { Description = "Height in pixels, a multiple of 16 (default: the model's native size)." };
        var sampler = new Option<string?>("--sampler")
        {
            Description = $"One of {string.Join(", ", SamplerSettings.Names)} (default: student for a TeEFusion student folder, euler-cfg for a plain SD3 one).",
        };
        sampler.AcceptOnlyFromAmong([.. SamplerSettings.Names]);
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "float32, bfloat16 or float16.", DefaultValueFactory = _ => "float32" };
        var modelId = new Option<string?>("--model-id") { Description = "model_id written into the image (default: the folder's name)." };
        var output = new Option<FileInfo>("--out") { Description = "The image file to write (.png, .jpg/.jpeg or .webp).", Required = true };
        var format = new Option<string?>("--format") { Description = "png, jpeg or webp (default: what --out's extension names, else png)." };
        format.AcceptOnlyFromAmong([.. ImageFormats.Names]);
        var compression = new Option<int?>("--compression")
        {
            Description = $"jpeg and webp only: the encoder's quality, 0-{ImageOutput.MaxQuality} (default {ImageOutput.MaxQuality}), as the API's output_compression.",
        };

        var image = new Option<FileInfo?>("--image")
        {
            Description = "Edit this image (PNG, JPEG or WebP) instead of starting from noise: diffusers' SD3 img2img, or inpainting with --mask. " +
                          "Its size is the output's unless --width/--height resize it.",
        };
        var mask = new Option<FileInfo?>("--mask") { Description = "With --image: a PNG of the image's size whose fully transparent pixels are repainted." };
        var strength = new Option<double?>("--strength")
        {
            Description = $"With --image: the share of the --steps schedule that runs, in (0, 1] (default {ImageEdit.ImageToImageStrength}, {ImageEdit.InpaintStrength} with --mask).",
        };

        var command = new Command("generate",
            "Generate one image and write it as PNG (parameters in text chunks), JPEG or WebP (parameters in EXIF UserComment and XMP).")
        {
            model, prompt, negative, seed, steps, guidance, width, height, sampler, device, dtype, modelId, output, format, compression,
            image, mask, strength,
        };
        command.SetAction((result, cancellation) => Task.FromResult(Run(new Arguments(
            result.GetValue(model), result.GetValue(prompt)!, result.GetValue(negative) ?? "", result.GetValue(seed), result.GetValue(steps),
            result.GetValue(guidance), result.GetValue(width), result.GetValue(height), result.GetValue(sampler), result.GetValue(device)!,
            result.GetValue(dtype)!, result.GetValue(modelId), result.GetValue(output)!, result.GetValue(format), result.GetValue(compression),
            result.GetValue(image), result.GetValue(mask), result.GetValue(strength)),
            Console.Out, Console.Error, cancellation)));
        return command;
    }

    /// <summary>The parsed options of one invocation; a null model means the bundled one, a null format the one --out names.</summary>
    internal sealed record Arguments(string? Model, string Prompt, string NegativePrompt, long? Seed, int? Steps, double? Guidance,
        int? Width, int? Height, string? Sampler, string Device, string DType, string? ModelId, FileInfo Output, string? Format = null,
        int? Compression = null, FileInfo? Image = null, FileInfo? Mask = null, double? Strength = null);

    /// <summary>Runs one invocation; errors are printed as one line without a stack trace and give a non-zero exit code.</summary>
    internal static int Run(Arguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation) => CommandErrors.Guard(stderr, () =>
    {
        var imageOutput = OutputOf(args);
        var edit = EditOf(args);
        var options = new PipelineOptions { Compute = ComputeOptions.Parse(args.Device, args.DType), ModelId = args.ModelId };
        var folder = ModelArgument.Resolve(args.Model, stderr);
        var isStudent = FolderPipeline.IsStudent(folder);
        var settings = args.Sampler is { } name ? SamplerSettings.Parse(name) : new SamplerSettings(isStudent ? SamplerKind.Student : SamplerKind.EulerCfg);
        if (settings.Kind == SamplerKind.Student && !isStudent)
            throw new ArgumentException($"{folder} is a plain SD3 folder (transformer/config.json has txt_align_guidance = false): its fused " +
                                        "guidance term was never trained, so it runs euler-cfg, z-sampling or w2sd, not the student sampler.");
        stderr.WriteLine($"loading {folder} on {options.Compute} ...");
        using SD3Pipeline pipeline = settings.Kind == SamplerKind.Student
            ? StudentPipeline.Load(folder, options)
            : TeacherPipeline.Load(folder, options);
        var request = pipeline.Resolve(new GenerationRequest(args.Prompt)
        {
            NegativePrompt = args.NegativePrompt, Seed = args.Seed, Steps = args.Steps, Guidance = args.Guidance,
            Width = edit?.Source.Width ?? args.Width, Height = edit?.Source.Height ?? args.Height, Sampler = settings,
        });
        stderr.WriteLine($"{request.Sampler!.Name}: {request.Width}x{request.Height}, {request.Steps} steps, guidance {request.Guidance}, seed {request.Seed}"
                         + $" (folder txt_align_guidance = {pipeline.Components.FolderTxtAlignGuidance.ToString().ToLowerInvariant()})");

        var progress = ConsoleProgressBar.ForStandardError();
        if (edit is not null) stderr.WriteLine($"edit: {(edit.Source.HasMask ? "inpainting" : "image-to-image")}, strength {edit.Strength}");
        var result = edit is null ? pipeline.Generate(request, progress.Report, cancellation) : pipeline.Edit([request], edit, progress.Report, cancellation);
        foreach (var warning in result.Warnings) stderr.WriteLine($"warning: {warning}");

        var image = result.Images[0];
        var file = ImageFileWriter.FromPng(image.Png, imageOutput);
        args.Output.Directory?.Create();
        File.WriteAllBytes(args.Output.FullName, file);
        stdout.WriteLine($"timings: {result.Timings}");
        stdout.WriteLine($"model passes: {image.ModelPasses}");
        stdout.WriteLine($"wrote {args.Output.FullName} ({imageOutput.Format.Name()}, {file.Length} bytes, seed {image.Provenance.Seed})");
        return 0;
    });

    // --image, --mask and --strength, read before the model loads; the image is resized only when --width/--height differ.
    private static ImageEdit? EditOf(Arguments args)
    {
        if (args.Image is null)
        {
            if (args.Mask is not null || args.Strength is not null) throw new ArgumentException("--mask and --strength need --image.");
            return null;
        }
        var mask = args.Mask is null ? null : File.ReadAllBytes(args.Mask.FullName);
        var source = EditSource.Read(File.ReadAllBytes(args.Image.FullName), mask, args.Width, args.Height);
        var strength = args.Strength ?? ImageEdit.DefaultStrength(source.HasMask);
        if (!(strength > 0 && strength <= 1)) throw new ArgumentException($"--strength must be in (0, 1], got {strength}.");
        return new ImageEdit(source, strength);
    }

    // --format, else the format --out's extension names, else png; checked before the model loads. A file named for one
    // format and asked to hold another is refused rather than written misnamed.
    private static ImageOutput OutputOf(Arguments args)
    {
        var named = ImageFormats.FromFileName(args.Output.Name);
        var format = named ?? ImageFormat.Png;
        if (args.Format is { } name)
        {
            if (!ImageFormats.TryParse(name, out format))
                throw new ArgumentException($"--format must be one of {string.Join(", ", ImageFormats.Names)}, got '{name}'.");
            if (named is { } extension && extension != format)
                throw new ArgumentException($"--out {args.Output.Name} names a {extension.Name()} file, but --format is {format.Name()}.");
        }
        if (args.Compression is not { } compression) return new ImageOutput(format);
        if (ImageOutput.QualityProblem(format, compression) is { } problem) throw new ArgumentException($"--compression {problem}");
        return new ImageOutput(format, compression);
    }
}
