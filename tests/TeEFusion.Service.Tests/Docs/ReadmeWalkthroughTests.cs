using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Distillation;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Tooling.Images;
using TeEFusion.Tests.Shared;

namespace TeEFusion.Service.Tests.Docs;

/// <summary>
/// The requests of the README and of docs/ run, page by page in reading order, against the real service on a tiny
/// model served under the ids the docs name (<see cref="DocumentedModels"/>): the first image, the job flow (JOB_ID
/// replaced by the id the page's job creation returned), the requests naming a model or sampler, and every distillation
/// body through the service's own validator.
/// </summary>
[Collection("Sequential")]
public sealed class ReadmeWalkthroughTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    // Generous: each request is a few seconds on an idle 2-core machine, but the README's job waits for two images.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task The_docs_image_and_job_requests_succeed_in_order()
    {
        await using var factory = DocumentedModels.Service(model);
        Assert.Equal(Models.ModelHostState.Ready, await factory.WaitForModelAsync());
        var client = factory.CreateClient();
        client.Timeout = RequestTimeout;
        var jobIds = new Dictionary<string, string?>();
        var sent = 0;

        foreach (var (page, request) in DocumentationPages.Commands.Where(c => c.Command.Program == "curl").Select(c => (c.Page, Request: CurlRequest.Parse(c.Command)))
                     .Where(r => r.Request.Url.StartsWith(ReadmeCommandsTests.BaseAddress + "/v1/", StringComparison.Ordinal)
                                 || r.Request.Url.StartsWith(ReadmeCommandsTests.BaseAddress + "/health/", StringComparison.Ordinal)))
        {
            var path = request.Url[ReadmeCommandsTests.BaseAddress.Length..];
            if (path.Contains("JOB_ID"))
            {
                var jobId = jobIds.GetValueOrDefault(page);
                Assert.True(jobId is not null, $"{page}: {request.Url} uses JOB_ID before the page creates a job");
                path = path.Replace("JOB_ID", jobId);
            }
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), path);
            foreach (var (name, value) in request.Headers.Where(h => h.Name != "Content-Type")) message.Headers.Add(name, value);
            if (request.Body is not null) message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
            if (request.Form.Count > 0) message.Content = Form(request.Form);

            HttpResponseMessage response;
            try { response = await client.SendAsync(message); }
            catch (TaskCanceledException e) { throw new TimeoutException($"{request.Method} {path} took longer than {RequestTimeout}", e); }
            sent++;

            var text = await response.Content.ReadAsStringAsync();
            // Cancelling a job that already finished is a 409 by design; anything else must succeed.
            var expected = request.Method == "DELETE" ? [HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.Conflict] : new[] { HttpStatusCode.OK, HttpStatusCode.Accepted };
            Assert.True(expected.Contains(response.StatusCode), $"{page}: {request.Method} {path}: {(int)response.StatusCode} {text}");
            if (request.Method == "POST" && path == "/v1/jobs") jobIds[page] = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString();
        }

        Assert.True(sent >= 6, $"only {sent} requests of the docs were sent");
        Assert.NotEmpty(jobIds);
    }

    // A form's files (-F image=@in.png) are stand-ins: a seeded picture, and for `mask` the right-half mask, at the
    // documented models' 64×64.
    private static MultipartFormDataContent Form(IReadOnlyList<(string Name, string Value)> fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            if (!value.StartsWith('@')) form.Add(new StringContent(value), name);
            else form.Add(new ByteArrayContent(name == "mask" ? EditPictures.RightHalfMask(64, 64) : EditPictures.Picture(1, 64, 64)), name, value[1..]);
        }
        return form;
    }

    [Fact]
    public async Task The_docs_distillation_requests_pass_the_service_s_validation()
    {
        var bodies = DocumentationPages.Commands.Where(c => c.Command.Program == "curl").Select(c => CurlRequest.Parse(c.Command))
            .Where(r => r.Method == "POST" && r.Url == ReadmeCommandsTests.BaseAddress + "/admin/distillations").Select(r => r.Body!).ToList();
        await using var factory = DocumentedModels.Service(model);
        factory.CreateClient();
        var validator = factory.Services.GetRequiredService<DistillationRequestValidator>();

        Assert.True(bodies.Count >= 2, $"only {bodies.Count} distillation requests found in the docs");
        foreach (var body in bodies)
        {
            var plan = validator.Validate(JsonSerializer.Deserialize<DistillationRequest>(body, ServiceRoutes.StrictJson)!, out var errors);
            Assert.True(plan is not null && errors.Count == 0, $"{body}: {string.Join("; ", errors.SelectMany(e => e.Value))}");
        }
    }
}
