using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Pipelines;

/// <summary>
/// Models loaded with one <see cref="SD3ComponentPool"/> hold one copy of the tokenizers, encoders and VAE their folders
/// share byte for byte, wherever those folders are, and still generate what models loaded on their own do.
/// </summary>
[Collection("Sequential")]
public sealed class SD3ComponentPoolTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private static readonly string[] SharedModules = ["text_encoder", "text_encoder_2", "text_encoder_3", "vae"];
    private static readonly string[] SharedParts = [.. SharedModules, "tokenizer", "tokenizer_2", "tokenizer_3"];

    private static readonly GenerationRequest Request =
        new("a red cube on a table") { Seed = 3, Steps = 2, Guidance = 4.0, Width = 32, Height = 32 };

    [Fact]
    public void AStudentAndATeacherFromTwoCopiesOfOneFolderHoldOneCopyOfEachSharedPart()
    {
        using var pool = new SD3ComponentPool();
        using var student = StudentPipeline.Load(fixture.Root, Pooled(pool));
        using var teacher = TeacherPipeline.Load(fixture.Copy(), Pooled(pool));
        var (s, t) = (student.Components, teacher.Components);

        Assert.Same(s.Tokenizer, t.Tokenizer);
        Assert.Same(s.Tokenizer2, t.Tokenizer2);
        Assert.Same(s.Tokenizer3, t.Tokenizer3);
        Assert.Same(s.TextEncoder, t.TextEncoder);
        Assert.Same(s.TextEncoder2, t.TextEncoder2);
        Assert.Same(s.TextEncoder3, t.TextEncoder3);
        Assert.Same(s.Vae, t.Vae);
        Assert.NotSame(s.Transformer, t.Transformer);
        Assert.Equal(SharedModules.Length, pool.ModulesBuilt);
        Assert.Equal(SharedParts.Order(StringComparer.Ordinal), pool.Parts.Select(p => p.Component));
        Assert.All(pool.Parts, part => Assert.Equal(2, part.Leases));

        Assert.Equal(Png(fixture.Student), Png(student));
        Assert.Equal(Png(fixture.Teacher), Png(teacher));
    }

    [Fact]
    public void TheBundledStudentAndItsTeacherCostOneSetOfEncodersAndOneVae()
    {
        var student = BundledModel.Locate();
        using var pool = new SD3ComponentPool();
        using var served = StudentPipeline.Load(student, new PipelineOptions { ComponentPool = pool });
        using var teacher = TeacherPipeline.Load(Path.Combine(student, StudentModelFolder.TeacherFolder), new PipelineOptions { ComponentPool = pool });

        Assert.Same(served.Components.TextEncoder, teacher.Components.TextEncoder);
        Assert.Same(served.Components.TextEncoder2, teacher.Components.TextEncoder2);
        Assert.Same(served.Components.Vae, teacher.Components.Vae);
        Assert.NotSame(served.Components.Transformer, teacher.Components.Transformer);
        // No T5 in the bundled model: CLIP-L, bigG and the VAE.
        Assert.Equal(3, pool.ModulesBuilt);
        Assert.NotEqual(served.Components.Memory.Single(m => m.Component == "transformer").Fingerprint,
            teacher.Components.Memory.Single(m => m.Component == "transformer").Fingerprint);
    }

    [Fact]
    public void MemoryNamesEachLoadedPartWithItsFingerprintBytesAndWhetherItIsShared()
    {
        using var pool = new SD3ComponentPool();
        var copy = fixture.Copy();
        using var pooled = StudentPipeline.Load(copy, Pooled(pool));
        // Loaded with a pool, every part was fingerprinted at load: what the folder holds later does not matter.
        Directory.Delete(copy, recursive: true);
        var alone = fixture.Student.Components.Memory;
        var shared = pooled.Components.Memory;

        string[] loaded = ["text_encoder", "text_encoder_2", "text_encoder_3", "transformer", "vae"];
        Assert.Equal(loaded, alone.Select(m => m.Component));
        Assert.Equal(loaded, shared.Select(m => m.Component));
        Assert.All(alone, m => Assert.False(m.Shared));
        Assert.All(shared, m => Assert.Equal(m.Component != "transformer", m.Shared));
        // Same files, same fingerprints and sizes, whether pooled or not and wherever the folder is.
        Assert.Equal(alone.Select(m => (m.Fingerprint, m.Bytes)), shared.Select(m => (m.Fingerprint, m.Bytes)));
        Assert.Equal(loaded.Length, alone.Select(m => m.Fingerprint).Distinct().Count());
        Assert.All(alone, m => Assert.Matches("^[0-9a-f]{64}$", m.Fingerprint));
        Assert.Equal(pool.Parts.Single(p => p.Component == "vae").Bytes, shared.Single(m => m.Component == "vae").Bytes);

        // A float32 folder loaded in float32: the weights take what the safetensors files hold.
        foreach (var (component, file) in new[] { ("transformer", "diffusion_pytorch_model.safetensors"), ("text_encoder", "model.safetensors") })
        {
            using var weights = SafetensorsFile.Open(Path.Combine(fixture.Root, component, file));
            Assert.Equal(weights.Tensors.Values.Sum(t => t.ByteLength), alone.Single(m => m.Component == component).Bytes);
        }
    }

    [Fact]
    public void DisposingOneModelLeavesTheOtherWorkingAndTheLastFreesTheParts()
    {
        using var pool = new SD3ComponentPool();
        var student = StudentPipeline.Load(fixture.Root, Pooled(pool));
        var teacher = TeacherPipeline.Load(fixture.Copy(), Pooled(pool));
        var vaeWeight = student.Components.Vae.parameters().First();

        teacher.Dispose();
        Assert.All(pool.Parts, part => Assert.Equal(1, part.Leases));
        Assert.Equal(Png(fixture.Student), Png(student));

        student.Dispose();
        Assert.Empty(pool.Parts);
        Assert.True(vaeWeight.IsInvalid);

        // Nothing is kept past the last lease: the next model loads its parts again.
        using var again = StudentPipeline.Load(fixture.Root, Pooled(pool));
        Assert.Equal(2 * SharedModules.Length, pool.ModulesBuilt);
    }

    [Fact]
    public void AVaeWhoseWeightsDifferInOneValueIsLoadedOnItsOwn()
    {
        var rewritten = fixture.Copy();
        RewriteVae(rewritten, _ => { });
        var changed = fixture.Copy();
        RewriteVae(changed, tensors =>
        {
            var weight = tensors["decoder.conv_out.bias"];
            weight[0] = weight[0] + 1e-3f;
        });

        using var pool = new SD3ComponentPool();
        using var first = SD3Components.Load(fixture.Root, ComputeOptions.Cpu32, txtAlignGuidance: true, pool: pool);
        using var same = SD3Components.Load(rewritten, ComputeOptions.Cpu32, txtAlignGuidance: true, pool: pool);
        using var other = SD3Components.Load(changed, ComputeOptions.Cpu32, txtAlignGuidance: true, pool: pool);

        // A file written again with the same bytes (a new path and a new write time) is the same part.
        Assert.Same(first.Vae, same.Vae);
        Assert.NotSame(first.Vae, other.Vae);
        Assert.Same(first.TextEncoder, other.TextEncoder);
        Assert.Equal(SharedModules.Length + 1, pool.ModulesBuilt);
        Assert.Equal(2, pool.Parts.Count(p => p.Component == "vae"));
    }

    [Fact]
    public void AnotherDTypeGetsItsOwnEncodersAndSharesAVaeThatUpcasts()
    {
        using var pool = new SD3ComponentPool();
        using var full = SD3Components.Load(fixture.Root, ComputeOptions.Cpu32, txtAlignGuidance: false, pool: pool);
        using var half = SD3Components.Load(fixture.Root, new ComputeOptions(CPU, ScalarType.BFloat16), txtAlignGuidance: false, pool: pool);

        Assert.NotSame(full.TextEncoder, half.TextEncoder);
        Assert.NotSame(full.TextEncoder3, half.TextEncoder3);
        Assert.Same(full.Tokenizer, half.Tokenizer);
        // The tiny VAE sets force_upcast, so both models run it in float32: one copy serves both.
        Assert.True(full.Vae.Config.ForceUpcast);
        Assert.Same(full.Vae, half.Vae);
        Assert.Equal(["bfloat16", "float32"], pool.Parts.Where(p => p.Component == "text_encoder").Select(p => p.DType));
        Assert.Equal("float32", Assert.Single(pool.Parts, p => p.Component == "vae").DType);
        Assert.Equal(2 * 3 + 1, pool.ModulesBuilt);
    }

    [Fact]
    public void AnotherT5LengthGetsItsOwnTokenizerAndSharesTheEncoder()
    {
        using var pool = new SD3ComponentPool();
        using var shorter = SD3Components.Load(fixture.Root, ComputeOptions.Cpu32, txtAlignGuidance: false, maxSequenceLength: 8, pool);
        using var longer = SD3Components.Load(fixture.Root, ComputeOptions.Cpu32, txtAlignGuidance: false, maxSequenceLength: 16, pool);

        Assert.NotSame(shorter.Tokenizer3, longer.Tokenizer3);
        Assert.Equal(16, longer.Tokenizer3!.MaxLength);
        Assert.Same(shorter.Tokenizer, longer.Tokenizer);
        Assert.Same(shorter.TextEncoder3, longer.TextEncoder3);
    }

    [Fact]
    public void ABrokenSharedPartInTheSecondFolderIsNamedAndLetsGoOfWhatItTook()
    {
        using var pool = new SD3ComponentPool();
        using var student = StudentPipeline.Load(fixture.Root, Pooled(pool));
        var broken = fixture.Copy();
        var weights = Path.Combine(broken, "vae", "diffusion_pytorch_model.safetensors");
        RewriteVae(broken, tensors => tensors.Remove("decoder.conv_out.weight"));

        // The VAE loads last, so the tokenizers and encoders had been leased and the transformer built.
        var error = Assert.Throws<ModelFormatException>(() => TeacherPipeline.Load(broken, Pooled(pool)));
        Assert.Equal(weights, error.File);
        Assert.Contains("decoder.conv_out.weight", error.Message);

        Assert.Equal(SharedParts.Length, pool.Parts.Count);
        Assert.All(pool.Parts, part => Assert.Equal(1, part.Leases));
        Assert.Equal(SharedModules.Length, pool.ModulesBuilt);
        Assert.Equal(Png(fixture.Student), Png(student));
    }

    [Fact]
    public void DisposingThePoolFreesWhatIsLeftAndRefusesNewLoads()
    {
        var pool = new SD3ComponentPool();
        var components = SD3Components.Load(fixture.Root, ComputeOptions.Cpu32, txtAlignGuidance: true, pool: pool);
        var encoderWeight = components.TextEncoder.parameters().First();
        var transformerWeight = components.Transformer.parameters().First();

        pool.Dispose();
        Assert.Empty(pool.Parts);
        Assert.True(encoderWeight.IsInvalid);
        Assert.False(transformerWeight.IsInvalid);

        components.Dispose();
        Assert.True(transformerWeight.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() =>
            SD3Components.Load(fixture.Root, ComputeOptions.Cpu32, txtAlignGuidance: true, pool: pool));
    }

    [Fact]
    public async Task ConcurrentLoadsOfTheSameFilesBuildEachPartOnce()
    {
        using var pool = new SD3ComponentPool();
        var roots = new[] { fixture.Root, fixture.Copy(), fixture.Copy() };
        var loads = roots.Select(root => Task.Run(() =>
            SD3Components.Load(root, ComputeOptions.Cpu32, txtAlignGuidance: false, pool: pool))).ToArray();
        var loaded = await Task.WhenAll(loads);
        try
        {
            Assert.Equal(SharedModules.Length, pool.ModulesBuilt);
            Assert.All(loaded, c => Assert.Same(loaded[0].TextEncoder3, c.TextEncoder3));
            Assert.All(pool.Parts, part => Assert.Equal(roots.Length, part.Leases));
        }
        finally
        {
            foreach (var components in loaded) components.Dispose();
        }
        Assert.Empty(pool.Parts);
    }

    [Fact]
    public async Task ALoadWaitingForAnotherThatFailsBuildsThePartItself()
    {
        using var pool = new SD3ComponentPool();
        var key = new PartKey("vae", "fingerprint", "cpu", "float32");
        using var started = new ManualResetEventSlim();
        using var fail = new ManualResetEventSlim();
        var failing = Task.Run(() => pool.Take(key, () =>
        {
            started.Set();
            fail.Wait();
            throw new ModelFormatException("first/vae", "broken");
        }));
        started.Wait();
        var waiting = Task.Run(() => pool.Take(key, () => new Part()));
        // Give the second load time to find the first's entry and wait on it; it must end the same way if it did not.
        await Task.Delay(100);
        fail.Set();

        var error = await Assert.ThrowsAsync<ModelFormatException>(() => failing);
        Assert.Equal("first/vae", error.File);
        using var lease = await waiting;
        var part = Assert.IsType<Part>(lease.Value);
        Assert.Equal(1, Assert.Single(pool.Parts).Leases);

        lease.Dispose();
        Assert.True(part.Disposed);
        Assert.Empty(pool.Parts);
    }

    private sealed class Part : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    // A copy is labelled like the fixture's folder, so that its PNGs can equal the fixture's pipelines' byte for byte.
    private PipelineOptions Pooled(SD3ComponentPool pool) => new() { ComponentPool = pool, ModelId = Path.GetFileName(fixture.Root) };

    private static byte[] Png(SD3Pipeline pipeline) => pipeline.Generate(Request).Images[0].Png;

    private static void RewriteVae(string root, Action<Dictionary<string, Tensor>> edit)
    {
        var weights = Path.Combine(root, "vae", "diffusion_pytorch_model.safetensors");
        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> tensors;
        IReadOnlyDictionary<string, string> metadata;
        using (var file = SafetensorsFile.Open(weights))
        {
            tensors = file.Tensors.Keys.ToDictionary(k => k, k => file.Read(k));
            metadata = file.Metadata;
        }
        edit(tensors);
        SafetensorsWriter.Write(weights, tensors, metadata);
    }
}
