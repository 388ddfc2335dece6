// Mirrors diffusers models/embeddings.py: PatchEmbed (sincos, pos_embed_max_size set) and get_2d_sincos_pos_embed.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>
/// Patchifies latents with a strided convolution and adds a 2-D sin-cos position table of max×max patches,
/// centre-cropped to the latent's patch grid. The table is a persistent buffer (`pos_embed`, 1 × max² × D),
/// so checkpoints carry it.
/// </summary>
public sealed class PatchEmbed : Module<Tensor, Tensor>
{
    private readonly Conv2d proj;
    private readonly Tensor pos_embed;
    private readonly int patch_size;
    private readonly int pos_embed_max_size;

    /// <param name="height">Training sample size in latent pixels; sets the grid's base size (height / patch_size).</param>
    public PatchEmbed(int height, int patch_size, int in_channels, int embed_dim, int pos_embed_max_size,
        double interpolation_scale = 1.0, Device? device = null, ScalarType? dtype = null) : base(nameof(PatchEmbed))
    {
        if (embed_dim % 4 != 0)
            throw new ArgumentException($"PatchEmbed embed_dim {embed_dim} must be divisible by 4 for the 2-D sin-cos table.", nameof(embed_dim));
        this.patch_size = patch_size;
        this.pos_embed_max_size = pos_embed_max_size;
        proj = Conv2d(in_channels, embed_dim, kernel_size: patch_size, stride: patch_size, bias: true, device: device, dtype: dtype);
        var table = SinCosTable(embed_dim, pos_embed_max_size, height / patch_size, interpolation_scale, device);
        pos_embed = (dtype is ScalarType d ? table.to(d) : table).unsqueeze(0); // (1, max², D)
        RegisterComponents();
    }

    public override Tensor forward(Tensor latent)
    {
        using var scope = NewDisposeScope();
        var (height, width) = (latent.shape[2], latent.shape[3]);
        var patches = proj.call(latent).flatten(2).transpose(1, 2); // (B, h·w, D)
        var position = CroppedPosEmbed(height, width);              // (1, h·w, D)
        return (patches + position).to(patches.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>The centre crop of the table for a latent of height × width pixels, raster order: (1, h·w, D).</summary>
    public Tensor CroppedPosEmbed(long height, long width)
    {
        if (height % patch_size != 0 || width % patch_size != 0)
            throw new ArgumentException(
                $"Latent size {height}×{width} is not a multiple of patch_size {patch_size}; image sizes must be multiples of {8 * patch_size} pixels.");
        var (h, w) = (height / patch_size, width / patch_size);
        if (h > pos_embed_max_size || w > pos_embed_max_size)
            throw new ArgumentException(
                $"Latent size {height}×{width} gives a {h}×{w} patch grid, larger than pos_embed_max_size {pos_embed_max_size}.");
        using var scope = NewDisposeScope();
        var (top, left) = ((pos_embed_max_size - h) / 2, (pos_embed_max_size - w) / 2);
        var grid = pos_embed.view(pos_embed_max_size, pos_embed_max_size, -1); // (max, max, D)
        var crop = grid.narrow(0, top, h).narrow(1, left, w);                  // (h, w, D)
        return crop.reshape(1, h * w, -1).MoveToOuterDisposeScope();           // (1, h·w, D)
    }

    /// <summary>get_2d_sincos_pos_embed: float32 grid coordinates, float64 sin/cos, stored as float32. (grid², D)</summary>
    private static Tensor SinCosTable(int embed_dim, int grid_size, int base_size, double interpolation_scale, Device? device)
    {
        using var scope = NewDisposeScope();
        // Coordinates are float32 in diffusers (arange float32 divided by Python floats), rounded before the float64 step.
        var coords = arange(grid_size, dtype: ScalarType.Float32, device: device) / (float)(grid_size / (double)base_size);
        coords = coords / (float)interpolation_scale;                       // (G)
        var columns = coords.repeat(grid_size);                             // x of each raster position: (G²)
        var rows = coords.repeat_interleave(grid_size);                     // y of each raster position: (G²)
        // The first half of the channels encodes the column (meshgrid "xy" puts w first), the second the row.
        var table = cat([SinCos1D(embed_dim / 2, columns), SinCos1D(embed_dim / 2, rows)], 1); // (G², D)
        return table.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    private static Tensor SinCos1D(int dim, Tensor positions)
    {
        var omega = arange(dim / 2, dtype: ScalarType.Float64, device: positions.device) / (dim / 2.0); // (dim/2)
        omega = 1.0 / pow(10000.0, omega);                                                              // (dim/2)
        var args = outer(positions.to(ScalarType.Float64), omega);                                      // (P, dim/2)
        return cat([sin(args), cos(args)], 1);                                                          // (P, dim)
    }
}
