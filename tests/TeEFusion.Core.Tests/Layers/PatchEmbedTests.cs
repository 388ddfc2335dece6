using TeEFusion.Core.IO;
using TeEFusion.Core.Layers;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Layers;

[Collection("Sequential")]
public class PatchEmbedTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "MMDiT", name);

    // embed_dim 16, 16×16 table, sample_size 12 / patch 2 → base size 6 (grid spacing 16/6, not an integer).
    private static PatchEmbed Create() => new(height: 12, patch_size: 2, in_channels: 4, embed_dim: 16, pos_embed_max_size: 16);

    [Theory]
    [InlineData(12, 6, "pos_crop_12x6")]   // non-square: rows 5..10, columns 6..8
    [InlineData(8, 8, "pos_crop_8x8")]     // square: rows and columns 6..9
    [InlineData(32, 32, "pos_crop_32x32")] // the whole table
    public void CropEqualsTheReference(int height, int width, string expectedName)
    {
        using var scope = NewDisposeScope();
        using var file = SafetensorsFile.Open(Fixture("embeddings.safetensors"));
        using var embed = Create();
        var actual = embed.CroppedPosEmbed(height, width);
        var expected = file.Read(expectedName).unsqueeze(0);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True((actual - expected).abs().max().item<float>() <= 1e-7);
    }

    [Fact]
    public void TableEqualsTheReference()
    {
        using var scope = NewDisposeScope();
        using var file = SafetensorsFile.Open(Fixture("embeddings.safetensors"));
        using var embed = Create();
        var table = embed.state_dict()["pos_embed"];
        Assert.Equal(ScalarType.Float32, table.dtype);
        Assert.True((table - file.Read("pos_table_16x16_base6").unsqueeze(0)).abs().max().item<float>() <= 1e-7);
    }

    [Fact]
    public void ForwardAddsTheCropToRasterOrderedPatches()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var embed = Create();
        var latent = randn(2, 4, 12, 6);
        var tokens = embed.call(latent);
        Assert.Equal([2L, 18L, 16L], tokens.shape);
        // Token (row 1, column 2) of sample 1 is the conv of its 2×2 patch plus the table entry (5 + 1, 6 + 2).
        var weights = embed.state_dict();
        var patch = latent[1, .., 2..4, 4..6].reshape(1, -1);
        var conv = patch.matmul(weights["proj.weight"].reshape(16, -1).t()) + weights["proj.bias"];
        var position = weights["pos_embed"].view(16, 16, 16)[6, 8];
        var expected = conv[0] + position;
        Assert.True((tokens[1, 1 * 3 + 2] - expected).abs().max().item<float>() <= 1e-5);
    }

    [Theory]
    [InlineData(13, 6, "not a multiple of patch_size 2")]
    [InlineData(12, 7, "not a multiple of patch_size 2")]
    [InlineData(34, 6, "17×3 patch grid, larger than pos_embed_max_size 16")]
    [InlineData(6, 34, "3×17 patch grid, larger than pos_embed_max_size 16")]
    public void BadSizesAreRejected(int height, int width, string reason)
    {
        using var scope = NewDisposeScope();
        using var embed = Create();
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => embed.CroppedPosEmbed(height, width)).Message);
    }
}
