using System.Net.Http.Json;
using System.Text.Json;
using TeEFusion.Cli.Commands;
using TeEFusion.Core.Imaging;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Tests;

/// <summary>
/// A plain SD3 (and SD3.5-style) folder served by the real service process gives, for every teacher sampler, the PNG
/// `teefusion generate` writes for the same folder, sampler, seed, steps and guidance: same pixels, same text chunks,
/// plus the one the service adds to say how it batched.
/// </summary>
[Collection("Sequential")]
public sealed class ServedTeacherMatchesGenerateTests : IDisposable
{
    private const string Prompt = "a red cube on a blue table";
    private const string Negative = "blurry";
    private const long Seed = 1234;
    private const int Steps = 3;
    private const double Guidance = 4.5;
    private static readonly string[] Samplers = ["euler-cfg", "z-sampling", "w2sd"];

    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-served-teacher-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("tiny-sd3")]
    [InlineData("tiny-sd35")]
    public async Task EveryTeacherSamplerServesTheBytesGenerateWrites(string preset)
    {
        var folder = Path.Combine(_directory, preset);
        var made = CliInvocation.Run(MakeRandomModelCommand.Create(), "--out", folder, "--preset", preset);
        Assert.True(made.Exit == 0, made.Error);
        var configuration = new Dictionary<string, string> { ["Model:Path"] = folder, ["Logging:LogLevel:Default"] = "Warning" };
        using var service = await ServiceProcess.StartAsync(BuiltService.DllPath, configuration, TimeSpan.FromMinutes(2));
        using var client = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromMinutes(2) };
        var modelId = await ServedModelIdAsync(client);

        foreach (var sampler in Samplers)
        {
            var served = await ServeAsync(client, modelId, sampler);
            var generated = Generate(folder, modelId, sampler);
            Assert.Equal(ServedChunksOf(generated, served), PngChunk.Read(served).Select(c => c.ToString()));
        }
    }

    private static async Task<string> ServedModelIdAsync(HttpClient client)
    {
        using var models = JsonDocument.Parse(await client.GetStringAsync("/v1/models"));
        return Assert.Single(models.RootElement.GetProperty("data").EnumerateArray()).GetProperty("id").GetString()!;
    }

    private static async Task<byte[]> ServeAsync(HttpClient client, string modelId, string sampler)
    {
        using var response = await client.PostAsJsonAsync("/v1/images/generations", new Dictionary<string, object>
        {
            ["model"] = modelId, ["prompt"] = Prompt, ["negative_prompt"] = Negative, ["sampler"] = sampler,
            ["seed"] = Seed, ["steps"] = Steps, ["guidance_scale"] = Guidance,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{sampler}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return Convert.FromBase64String(Assert.Single(json.RootElement.GetProperty("data").EnumerateArray()).GetProperty("b64_json").GetString()!);
    }

    private byte[] Generate(string folder, string modelId, string sampler)
    {
        var png = new FileInfo(Path.Combine(_directory, $"{Path.GetFileName(folder)}-{sampler}.png"));
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = GenerateCommand.Run(new GenerateCommand.Arguments(folder, Prompt, Negative, Seed, Steps, Guidance, null, null, sampler, "cpu", "float32",
            modelId, png), stdout, stderr, CancellationToken.None);
        Assert.True(exit == 0, $"{sampler}: {stderr}");
        return File.ReadAllBytes(png.FullName);
    }

    // What the service's PNG must hold, chunk by chunk: generate's chunks, with the service's `batching` text chunk
    // (whatever mode it names) before `parameters`, and `parameters` carrying that same batching field.
    private static List<string> ServedChunksOf(byte[] generated, byte[] served)
    {
        var batching = Assert.Single(PngChunk.Read(served), c => c.Keyword == "batching");
        var expected = new List<string>();
        foreach (var chunk in PngChunk.Read(generated))
        {
            Assert.NotEqual("batching", chunk.Keyword);
            if (chunk.Keyword == ImageProvenance.ParametersKeyword)
            {
                expected.Add(batching.ToString());
                var provenance = ImageProvenance.FromJson(chunk.Text) with { Batching = batching.Text };
                expected.Add($"tEXt {ImageProvenance.ParametersKeyword}: {provenance.ToJson()}");
            }
            else
            {
                expected.Add(chunk.ToString());
            }
        }
        return expected;
    }
}
