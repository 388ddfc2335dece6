using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using static TeEFusion.Service.Tests.Admin.DistillationApi;

namespace TeEFusion.Service.Tests.Admin;

/// <summary>
/// The whole story in one service, through HTTP, on the repository's bundled teacher: serve only the plain SD3 folder
/// models/tiny-shapes/teacher, distil a student from it, promote the student as a new model id while clients keep asking
/// the teacher for images, then call both. No request of that load may fail or be lost.
/// </summary>
[Collection("Sequential")]
public sealed class TeacherToStudentFlowTests
{
    private const string Teacher = ModelCatalog.BundledTeacherId;
    private const string Student = "tiny-shapes-student";
    private const int LoadClients = 4;
    private const int Steps = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Serving_only_the_teacher_it_distils_and_promotes_a_student_beside_it_with_no_request_failed_or_lost_under_load()
    {
        var checkpoints = Directory.CreateTempSubdirectory("teefusion-flow-").FullName;
        try
        {
            await using var factory = new ServiceFactory(modelPath: null, new Dictionary<string, string?>
            {
                ["Model:Serve:0:Id"] = Teacher,
                ["Model:Serve:0:Path"] = RepositoryFiles.Path("models/tiny-shapes/teacher"),
                ["Auth:ApiKeys:0"] = ApiKey,
                ["Auth:AdminKeys:0"] = AdminKey,
                ["Distillation:CheckpointDirectory"] = checkpoints,
            });
            await RunStoryAsync(factory);
        }
        finally
        {
            Directory.Delete(checkpoints, recursive: true);
        }
    }

    private static async Task RunStoryAsync(ServiceFactory factory)
    {
        var admin = await AdminClientAsync(factory);
        var user = factory.CreateClient();
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        user.Timeout = Patience;
        var teacher = Assert.Single(await ModelsAsync(user));
        Assert.Equal((Teacher, "guided_teacher", "euler-cfg"), (teacher.Id, teacher.Kind, teacher.DefaultSampler));

        // Distil: a short run, watched over its event stream to the end.
        var body = Body(iterations: 2);
        body["teacher_model"] = Teacher;
        body["student_model"] = Student;
        var run = (await StartAsync(admin, body)).GetProperty("id").GetString()!;
        var events = (await admin.GetStringAsync($"/admin/distillations/{run}/events")).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('\n').Single(l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..]);
        Assert.Equal(["progress", "progress", "succeeded"], events);

        // Promote while the teacher is under load, then call the student, and let the teacher serve on.
        var load = ContinuousLoad.Start(user, Teacher, LoadClients);
        Assert.True(await load.WaitForSucceededAsync(LoadClients, Patience), "the load never got going");
        var promotionSent = load.Now;
        var promotion = await admin.PostAsync($"/admin/distillations/{run}/promote", null);
        var promotionDone = load.Now;
        var promoted = await JobApi.JsonAsync(promotion);
        Assert.True(promotion.StatusCode == HttpStatusCode.OK, promoted.ToString());
        Assert.Equal((Student, run, "teefusion_student"),
            (promoted.GetProperty("id").GetString(), promoted.GetProperty("version").GetString(), promoted.GetProperty("kind").GetString()));

        var student = factory.ModelHost.Find(Student)!.Pipeline!;
        using (var passes = new TransformerPasses(student))
        {
            var image = await JobImageAsync(user, Student);
            Assert.Equal(("student", Student, run, Steps), (image.Sampler, image.ModelId, image.ModelVersion, image.Steps));
            Assert.Equal(Steps, passes.Count); // one pass per step
        }
        Assert.Equal([(Teacher, "guided_teacher", teacher.Version), (Student, "teefusion_student", run)],
            (await ModelsAsync(user)).Select(m => (m.Id, m.Kind, m.Version)));
        var afterPromotion = load.Succeeded + LoadClients;
        Assert.True(await load.WaitForSucceededAsync(afterPromotion, Patience), "the teacher stopped serving after the promotion");

        var (sent, ended) = await load.StopAsync(Patience);
        var failed = ended.Where(r => r.Failure is not null).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {sent} requests failed: {string.Join("; ", failed.Select(r => $"{r.Route}: {r.Failure}"))}");
        Assert.True(sent == ended.Count, $"{sent - ended.Count} of {sent} requests were lost (sent, never answered)");
        Assert.All(ended, r => Assert.Equal((Teacher, "euler-cfg"), (r.Image!.ModelId, r.Image.Sampler)));
        Assert.Equal([ContinuousLoad.ImagesRoute, ContinuousLoad.JobsRoute], ended.Select(r => r.Route).Distinct().Order());
        Assert.Contains(ended, r => r.SentAt < promotionSent && r.EndedAt > promotionSent); // in flight when the promotion began
        Assert.Contains(ended, r => r.SentAt > promotionDone);

        // The teacher, now alone on the device: the same request costs it two passes per step (classifier-free guidance).
        using (var passes = new TransformerPasses(factory.ModelHost.Find(Teacher)!.Pipeline!))
        {
            var image = await JobImageAsync(user, Teacher);
            Assert.Equal(("euler-cfg", Teacher, teacher.Version, Steps), (image.Sampler, image.ModelId, image.ModelVersion, image.Steps));
            Assert.Equal(2 * Steps, passes.Count);
        }
    }

    private sealed record ListedModel(string Id, string Kind, string Version, string DefaultSampler);

    private static async Task<List<ListedModel>> ModelsAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("/v1/models")).RootElement.GetProperty("data").EnumerateArray()
            .Select(m => new ListedModel(m.GetProperty("id").GetString()!, m.GetProperty("kind").GetString()!, m.GetProperty("version").GetString()!,
                m.GetProperty("defaults").GetProperty("sampler").GetString()!))
            .ToList();

    // One image of one prompt and seed through POST /v1/jobs: the job must record the model it ran on, as its PNG does.
    private static async Task<Core.Imaging.ImageProvenance> JobImageAsync(HttpClient client, string model)
    {
        var body = new Dictionary<string, object> { ["model"] = model, ["prompt"] = "a large red circle at the top left on a blue background",
            ["seed"] = 1, ["steps"] = Steps, ["size"] = "64x64" };
        var created = await client.PostAsJsonAsync("/v1/jobs", body);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var job = await JobApi.WaitForStateAsync(client, (await JobApi.JsonAsync(created)).GetProperty("id").GetString()!, "succeeded");
        var image = PngProvenance.Read(await client.GetByteArrayAsync(job.GetProperty("images")[0].GetString()!));
        Assert.Equal((image.ModelId, image.ModelVersion), (job.GetProperty("model").GetProperty("id").GetString(), job.GetProperty("model").GetProperty("version").GetString()));
        return image;
    }
}
