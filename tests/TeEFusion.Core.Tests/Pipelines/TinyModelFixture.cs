using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.RandomModels;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Pipelines;

/// <summary>
/// A tiny random TeEFusion folder (RandomModelWriter's Tiny preset: 32×32 images, VAE factor 2, patch 2, pos_embed_max_size 16)
/// written once per test class, with a student and a teacher pipeline loaded from it. Copies can be made for tests that
/// break a folder on purpose.
/// </summary>
public sealed class TinyModelFixture : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "teefusion-pipeline-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<StudentPipeline> _student;
    private readonly Lazy<TeacherPipeline> _teacher;
    private readonly Lazy<string> _withoutT5;

    public TinyModelFixture()
    {
        Root = Path.Combine(_scratch, "tiny-teefusion");
        RandomModelWriter.Write(Root, RandomModelPreset.Tiny, seed: 0, ScalarType.Float32, includeT5: true);
        _student = new(() => StudentPipeline.Load(Root));
        _teacher = new(() => TeacherPipeline.Load(Root));
        _withoutT5 = new(() =>
        {
            var path = Path.Combine(_scratch, "tiny-no-t5");
            RandomModelWriter.Write(path, RandomModelPreset.Tiny, seed: 0, ScalarType.Float32, includeT5: false);
            return path;
        });
    }

    /// <summary>The folder with T5.</summary>
    public string Root { get; }

    /// <summary>The same model written with text_encoder_3/tokenizer_3 = [null, null].</summary>
    public string RootWithoutT5 => _withoutT5.Value;

    public StudentPipeline Student => _student.Value;

    public TeacherPipeline Teacher => _teacher.Value;

    /// <summary>A fresh copy of <see cref="Root"/> to break; deleted with the fixture.</summary>
    public string Copy()
    {
        var target = Path.Combine(_scratch, "copy-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }

    public void Dispose()
    {
        if (_student.IsValueCreated) _student.Value.Dispose();
        if (_teacher.IsValueCreated) _teacher.Value.Dispose();
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }
}
