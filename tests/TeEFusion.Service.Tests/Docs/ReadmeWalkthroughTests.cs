using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Distillation;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Docs;

/// <summary>
/// The README's requests run, in its order, against the real service on a tiny model: the first image, the job flow
/// (JOB_ID replaced by the id the job creation returned), and the distillation body through the service's own validator.
/// </summary>
[Collection("Sequential")]
public sealed class ReadmeWalkthroughTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    // Generous: each request is a few seconds on an idle 2-core machine, but the README's job waits for two images.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task The_readme_s_image_and_job_requests_succeed_in_order()
    {
        await using var factory = new ServiceFactory(model.Path);
        Assert.Equal(Models.ModelHostState.Ready, await factory.WaitForModelAsync());
        var client = factory.CreateClient();
        client.Timeout = RequestTimeout;
        string? jobId = null;
        var sent = 0;

        foreach (var request in ReadmeCommandsTests.Commands.Where(c => c.Program == "curl").Select(CurlRequest.Parse)
                     .Where(r => r.Url.StartsWith(ReadmeCommandsTests.BaseAddress + "/v1/", StringComparison.Ordinal)
                                 || r.Url.StartsWith(ReadmeCommandsTests.BaseAddress + "/health/", StringComparison.Ordinal)))
        {
            var path = request.Url[ReadmeCommandsTests.BaseAddress.Length..];
            if (path.Contains("JOB_ID"))
            {
                Assert.True(jobId is not null, $"{request.Url}: the README uses JOB_ID before creating a job");
                path = path.Replace("JOB_ID", jobId);
            }
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), path);
            foreach (var (name, value) in request.Headers.Where(h => h.Name != "Content-Type")) message.Headers.Add(name, value);
            if (request.Body is not null) message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");

            HttpResponseMessage response;
            try { response = await client.SendAsync(message); }
            catch (TaskCanceledException e) { throw new TimeoutException($"{request.Method} {path} took longer than {RequestTimeout}", e); }
            sent++;

            var text = await response.Content.ReadAsStringAsync();
            // Cancelling a job that already finished is a 409 by design; anything else must succeed.
            var expected = request.Method == "DELETE" ? [HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.Conflict] : new[] { HttpStatusCode.OK, HttpStatusCode.Accepted };
            Assert.True(expected.Contains(response.StatusCode), $"{request.Method} {path}: {(int)response.StatusCode} {text}");
            if (request.Method == "POST" && path == "/v1/jobs") jobId = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString();
        }

        Assert.True(sent >= 6, $"only {sent} README requests were sent");
        Assert.NotNull(jobId);
    }

    [Fact]
    public async Task The_readme_s_distillation_request_passes_the_service_s_validation()
    {
        var body = ReadmeCommandsTests.Commands.Where(c => c.Program == "curl").Select(CurlRequest.Parse)
            .Single(r => r.Method == "POST" && r.Url == ReadmeCommandsTests.BaseAddress + "/admin/distillations").Body!;
        await using var factory = new ServiceFactory(model.Path);
        factory.CreateClient();
        var request = JsonSerializer.Deserialize<DistillationRequest>(body, ServiceRoutes.StrictJson)!;

        var plan = factory.Services.GetRequiredService<DistillationRequestValidator>().Validate(request, out var errors);

        Assert.True(plan is not null && errors.Count == 0, string.Join("; ", errors.SelectMany(e => e.Value)));
    }
}
