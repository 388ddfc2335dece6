using TeEFusion.Service.Images;

namespace TeEFusion.Service.Tests.Images;

/// <summary>An image's stored name is made only of a server-generated job id and an index: nothing else gets through.</summary>
public sealed class ImageKeyTests
{
    private const string Id = "job_0193c1f0a2b34c5d8e9f00112233aabb";

    public static TheoryData<string> HostileIds =>
    [
        "",
        "../../etc/passwd",
        "job_../../../etc/passwd",
        "job_0193c1f0a2b34c5d8e9f00112233aab/..",
        Id + "/../job_0193c1f0a2b34c5d8e9f00112233aabc",
        Id + "\n",
        Id + "/1",
        "/" + Id,
        "JOB_0193C1F0A2B34C5D8E9F00112233AABB",
        "job_0193c1f0a2b34c5d8e9f00112233aab",
        "job_0193c1f0a2b34c5d8e9f00112233aabbc",
        "job_0193c1f0a2b34c5d8e9f00112233aab\u0000",
        "job_0193c1f0a2b34c5d8e9f00112233aa%2F",
        "job_０193c1f0a2b34c5d8e9f00112233aabb",
        "..\\job_0193c1f0a2b34c5d8e9f00112233aabb",
    ];

    [Theory]
    [MemberData(nameof(HostileIds))]
    public void A_hostile_job_id_makes_no_key(string id)
    {
        Assert.Throws<ArgumentException>(() => new ImageKey(id, 0));
        Assert.Null(ImageKey.TryCreate(id, 0));
    }

    [Fact]
    public void A_negative_index_makes_no_key()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageKey(Id, -1));
        Assert.Null(ImageKey.TryCreate(Id, -1));
    }

    [Fact]
    public void A_key_is_the_job_id_and_the_index()
    {
        var key = new ImageKey(Id, 12);

        Assert.Equal(Id + "/12", key.Name);
        Assert.Equal(key, ImageKey.TryParse(key.Name));
    }

    [Theory]
    [InlineData(Id + "/01")]
    [InlineData(Id + "/-1")]
    [InlineData(Id + "/1/../2")]
    [InlineData(Id + "/1.partial")]
    [InlineData(Id + "/")]
    [InlineData("other/" + Id + "/1")]
    [InlineData(Id + "/99999999999")]
    public void Only_a_name_a_key_makes_reads_back(string name) => Assert.Null(ImageKey.TryParse(name));
}
