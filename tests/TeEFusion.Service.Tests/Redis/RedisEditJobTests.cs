using System.Net;
using System.Text.Json;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Jobs.Redis;
using TeEFusion.Service.Tests.Edits;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Jobs;

namespace TeEFusion.Service.Tests.Redis;

/// <summary>Edit jobs in the Redis job store: the files travel with the spec, so any replica can run and serve them.</summary>
[Collection("Sequential")]
public sealed class RedisEditJobTests(RedisReplicas replicas) : IClassFixture<RedisReplicas>
{
    [Fact]
    public void A_stored_edit_spec_keeps_its_files_and_strength()
    {
        var edit = new JobEdit(EditUploads.Picture(), EditUploads.RightHalfMask(), 0.7, 32, 32);
        var spec = TestSpecs.Of("a cube", "", 1, 5, 3, 2.0, 32, 32) with { Edit = edit };

        var back = JsonSerializer.Deserialize<JobSpec>(JsonSerializer.Serialize(spec, RedisJobFields.Json), RedisJobFields.Json)!.Edit!;

        Assert.Equal(edit.Image, back.Image);
        Assert.Equal(edit.Mask, back.Mask);
        Assert.Equal((0.7, 32, 32), (back.Strength, back.ImageWidth, back.ImageHeight));
    }

    [Fact]
    public async Task An_edit_job_created_on_A_is_served_by_B_with_the_image_a_synchronous_edit_gives()
    {
        var prefix = RedisReplicas.NewPrefix();
        await using var a = await replicas.StartAsync(prefix);
        await using var b = await replicas.StartAsync(prefix);
        var (clientA, clientB) = (a.CreateClient(), b.CreateClient());

        var created = await clientA.PostAsync("/v1/jobs", EditUploads.Edit(mask: true, ("strength", "0.5")));
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var id = (await JobApi.JsonAsync(created)).GetProperty("id").GetString()!;
        var job = await JobApi.WaitForStateAsync(clientB, id, "succeeded");
        Assert.True(job.GetProperty("input").GetProperty("edit").GetProperty("has_mask").GetBoolean());
        var image = await clientB.GetByteArrayAsync($"/v1/jobs/{id}/images/0");

        var sync = await JobApi.JsonAsync(await clientB.PostAsync("/v1/images/edits", EditUploads.Edit(mask: true, ("strength", "0.5"))));
        Assert.Equal(Convert.FromBase64String(sync.GetProperty("data")[0].GetProperty("b64_json").GetString()!), image);
    }
}
