using System.Net;
using System.Text.Json;
using OpenAI.Images;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Edits;

/// <summary>POST /v1/images/edits and multipart POST /v1/jobs on the tiny model (32×32), with the official OpenAI SDK and plain HTTP.</summary>
[Collection("Sequential")]
public sealed class ImageEditEndpointsTests(RunningService service) : IClassFixture<RunningService>
{
    private HttpClient Client => service.Client;

    private ImageClient Sdk => service.Factory.CreateOpenAIClient().GetImageClient(TinyModelFolder.FolderName);

    private static byte[] ImageOf(JsonElement body, int k = 0) =>
        Convert.FromBase64String(body.GetProperty("data")[k].GetProperty("b64_json").GetString()!);

    [Fact]
    public async Task The_official_OpenAI_SDK_edits_an_image_with_and_without_a_mask()
    {
        var options = new ImageEditOptions { ResponseFormat = GeneratedImageFormat.Bytes };
        var img2img = await Sdk.GenerateImageEditAsync(new MemoryStream(EditUploads.Picture()), "in.png", "a red fox", options);
        var inpaint = await Sdk.GenerateImageEditAsync(new MemoryStream(EditUploads.Picture()), "in.png", "a red fox",
            new MemoryStream(EditUploads.RightHalfMask()), "mask.png", options);

        var plain = img2img.Value.ImageBytes.ToArray();
        var masked = inpaint.Value.ImageBytes.ToArray();
        JobApi.AssertPng(plain, 32, 32);
        JobApi.AssertPng(masked, 32, 32);
        Assert.NotEqual(plain, masked);
        Assert.Equal("a red fox", ImageFileReader.Read(masked).Provenance.Prompt);
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("webp")]
    public async Task The_SDK_gets_jpeg_and_webp_edits(string format)
    {
#pragma warning disable OPENAI001
        var options = new ImageEditOptions { OutputFileFormat = new GeneratedImageFileFormat(format), OutputCompressionFactor = 80 };
#pragma warning restore OPENAI001
        var result = await Sdk.GenerateImageEditAsync(new MemoryStream(EditUploads.Picture()), "in.png", "a red fox", options);

        var (read, provenance) = ImageFileReader.Read(result.Value.ImageBytes.ToArray());
        Assert.Equal(format, read.Name());
        Assert.Equal(32, provenance.Width);
    }

    [Fact]
    public async Task An_edit_error_surfaces_in_the_SDK_as_a_ClientResultException_naming_the_field()
    {
        var error = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => Sdk.GenerateImageEditAsync(
            new MemoryStream(EditUploads.Picture()), "in.png", "a red fox", new MemoryStream(EditUploads.RightHalfMask(16, 16)), "mask.png"));

        Assert.Equal(400, error.Status);
        var problem = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString()).RootElement;
        Assert.Contains("same size", problem.GetProperty("errors").GetProperty("mask")[0].GetString());
    }

    public static TheoryData<string, string> BadUploads => new()
    {
        { "not-an-image", "image" },
        { "image-bomb", "image" },
        { "mask-other-size", "mask" },
        { "mask-without-alpha", "mask" },
        { "mask-jpeg", "mask" },
        { "strength-zero", "strength" },
        { "strength-above-one", "strength" },
        { "strength-not-a-number", "strength" },
        { "two-images", "image" },
        { "no-image", "image" },
        { "image-size-not-served", "image" },
        { "n-not-a-number", "n" },
        { "stream-not-a-boolean", "stream" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task Bad_uploads_get_a_400_naming_the_field(string upload, string field)
    {
        var picture = EditUploads.Picture();
        MultipartFormDataContent form = upload switch
        {
            "not-an-image" => EditUploads.Form([("image", "plain text"u8.ToArray(), "in.png")]),
            // 1100×1000 = 1.1 M pixels > Limits:MaxPixels (1 M), in a file of a few kilobytes: refused from its header.
            "image-bomb" => EditUploads.Form([("image", EditUploads.Flat(1100, 1000), "in.png")]),
            "mask-other-size" => EditUploads.Form([("image", picture, "in.png"), ("mask", EditUploads.RightHalfMask(16, 16), "m.png")]),
            "mask-without-alpha" => EditUploads.Form([("image", picture, "in.png"), ("mask", EditUploads.Picture(2), "m.png")]),
            "mask-jpeg" => EditUploads.Form([("image", picture, "in.png"), ("mask", JpegOf(picture), "m.jpg")]),
            "strength-zero" => EditUploads.Edit(fields: ("strength", "0")),
            "strength-above-one" => EditUploads.Edit(fields: ("strength", "1.5")),
            "strength-not-a-number" => EditUploads.Edit(fields: ("strength", "strong")),
            "two-images" => EditUploads.Form([("image[]", picture, "a.png"), ("image[]", picture, "b.png")]),
            "no-image" => EditUploads.Form([]),
            "image-size-not-served" => EditUploads.Form([("image", EditUploads.Picture(1, 40, 40), "in.png")]),
            "n-not-a-number" => EditUploads.Edit(fields: ("n", "two")),
            "stream-not-a-boolean" => EditUploads.Edit(fields: ("stream", "maybe")),
            _ => throw new ArgumentOutOfRangeException(nameof(upload)),
        };
        var response = await Client.PostAsync("/v1/images/edits", form);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{upload}: {problem}");
    }

    [Fact]
    public async Task Size_resizes_the_image_and_the_array_form_with_one_file_is_accepted()
    {
        var form = EditUploads.Form([("image[]", EditUploads.Picture(1, 40, 40), "in.png")], ("size", "32x32"), ("strength", "0.5"));
        var response = await Client.PostAsync("/v1/images/edits", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JobApi.AssertPng(ImageOf(await JobApi.JsonAsync(response)), 32, 32);
    }

    [Fact]
    public async Task A_JSON_body_on_edits_is_a_415()
    {
        var response = await Client.PostAsync("/v1/images/edits", new StringContent("{\"prompt\":\"x\"}", System.Text.Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_the_upload_limit_is_a_413_before_any_model_work()
    {
        await using var factory = new ServiceFactory(modelPath: null, new Dictionary<string, string?> { ["Limits:MaxUploadBodyBytes"] = "2048" });
        var response = await factory.CreateClient().PostAsync("/v1/images/edits", EditUploads.Form([("image", EditUploads.Picture(1, 64, 64), "in.png")]));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("MaxUploadBodyBytes", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_upload_is_read_in_memory_without_temporary_files()
    {
        // ASP.NET's own form reader spills any file above 64 KiB to ASPNETCORE_*.tmp in the temp directory; 300 KiB of
        // noise would be one. The edit reader must not create such a file.
        var created = new List<string>();
        using var watcher = new FileSystemWatcher(Path.GetTempPath(), "ASPNETCORE_*") { EnableRaisingEvents = true };
        watcher.Created += (_, e) => { lock (created) created.Add(e.FullPath); };
        var big = EditUploads.Picture(5, 320, 320);
        Assert.True(big.Length > 256 * 1024);

        var response = await Client.PostAsync("/v1/images/edits", EditUploads.Form([("image", big, "in.png")], ("size", "32x32")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Task.Delay(200);
        lock (created) Assert.Empty(created);
    }

    [Fact]
    public async Task A_multipart_job_is_an_edit_with_progress_and_the_same_image_as_the_synchronous_edit()
    {
        var sync = ImageOf(await JobApi.JsonAsync(await Client.PostAsync("/v1/images/edits", EditUploads.Edit(mask: true, ("strength", "0.5")))));

        var created = await Client.PostAsync("/v1/jobs", EditUploads.Edit(mask: true, ("strength", "0.5")));
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var id = (await JobApi.JsonAsync(created)).GetProperty("id").GetString()!;
        var job = await JobApi.WaitForStateAsync(Client, id, "succeeded");

        var edit = job.GetProperty("input").GetProperty("edit");
        Assert.Equal(0.5, edit.GetProperty("strength").GetDouble());
        Assert.True(edit.GetProperty("has_mask").GetBoolean());
        Assert.Equal("32x32", edit.GetProperty("image_size").GetString());
        Assert.Equal(2, edit.GetProperty("steps_run").GetInt32());
        Assert.Equal(2, job.GetProperty("total_steps").GetInt32());
        Assert.DoesNotContain("iVBOR", job.ToString()); // the files are not in the job JSON
        var image = await (await Client.GetAsync($"/v1/jobs/{id}/images/0")).Content.ReadAsByteArrayAsync();
        Assert.Equal(ImageFileReader.Read(sync).Provenance, ImageFileReader.Read(image).Provenance);
        Assert.Equal(sync, image);
    }

    [Fact]
    public async Task A_JSON_job_still_reaches_the_generation_endpoint()
    {
        var job = await JobApi.CreateJobAsync(Client, JobApi.Body(seed: 3));
        var done = await JobApi.WaitForStateAsync(Client, job.GetProperty("id").GetString()!, "succeeded");
        Assert.False(done.GetProperty("input").TryGetProperty("edit", out _));
    }

    private static byte[] JpegOf(byte[] png)
    {
        using var image = SixLabors.ImageSharp.Image.Load(png);
        using var stream = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsJpeg(image, stream);
        return stream.ToArray();
    }
}
