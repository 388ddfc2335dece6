using System.Text.Json;
using System.Text.Json.Nodes;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Jobs.Redis;
using TeEFusion.Service.Tests.Jobs;

namespace TeEFusion.Service.Tests.Redis;

public class RedisJobFieldsTests
{
    [Fact]
    public void A_stored_spec_keeps_its_output_format_and_one_stored_before_formats_existed_is_png()
    {
        var spec = TestSpecs.Of("a cube", "", 2, 5, 3, 2.0, 32, 32) with { Output = new ImageOutput(ImageFormat.Webp, 42) };

        var json = JsonSerializer.Serialize(spec, RedisJobFields.Json);
        var old = JsonNode.Parse(json)!.AsObject();
        old.Remove("output");

        Assert.Equal(spec, JsonSerializer.Deserialize<JobSpec>(json, RedisJobFields.Json));
        Assert.Equal(ImageOutput.Png, JsonSerializer.Deserialize<JobSpec>(old.ToJsonString(), RedisJobFields.Json)!.Output);
    }

    [Fact]
    public void The_scripts_fold_exactly_the_event_types_a_finished_in_process_job_folds()
    {
        var list = string.Join(", ", JobEventFolding.FoldedTypes.Select(t => $"'{t}'"));

        Assert.Contains($"local folded_types = {{{list}}}", RedisScripts.Update);
        Assert.Contains("fold_events(jk)", RedisScripts.Update);
        Assert.False(JobEventFolding.KeptAfterFinish("progress"));
        Assert.All(new[] { "queued", "partial_image", "succeeded", "failed", "canceled" }, t => Assert.True(JobEventFolding.KeptAfterFinish(t)));
    }
}
