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
}
