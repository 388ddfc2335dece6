// Mirrors diffusers/models/autoencoders/autoencoder_kl.py AutoencoderKL.tiled_decode, blend_v and blend_h.
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

internal static class TiledDecoding
{
    // Decodes z (B, L, h, w) tile by tile with decodeTile and blends the tiles
    // into (B, C, h·f, w·f). Tiles are visited, blended and cropped in diffusers' order, so the result matches it.
    public static Tensor Decode(Tensor z, Func<Tensor, Tensor> decodeTile, AutoencoderKLTilingOptions options, int factor)
    {
        options.Validate();
        using var scope = NewDisposeScope();
        var (height, width) = (z.shape[2], z.shape[3]);
        var tile = options.TileLatentSize;
        var stride = options.LatentStride;
        var blendExtent = options.BlendExtent(factor);
        var rowLimit = tile * factor - blendExtent;

        var rows = new List<Tensor[]>();
        for (long i = 0; i < height; i += stride)
        {
            var row = new List<Tensor>();
            for (long j = 0; j < width; j += stride)
            {
                using var tileScope = NewDisposeScope();
                var latentTile = z.narrow(2, i, Math.Min(tile, height - i)).narrow(3, j, Math.Min(tile, width - j)); // (B, L, ≤t, ≤t)
                row.Add(decodeTile(latentTile).MoveToOuterDisposeScope());                                         // (B, C, ≤t·f, ≤t·f)
            }
            rows.Add([.. row]);
        }

        var resultRows = new List<Tensor>();
        for (var i = 0; i < rows.Count; i++)
        {
            var cropped = new List<Tensor>();
            for (var j = 0; j < rows[i].Length; j++)
            {
                // diffusers blends in place, so a tile's later neighbours see it already blended: store it back.
                var current = rows[i][j];
                if (i > 0) current = Blend(rows[i - 1][j], current, blendExtent, dim: 2);
                if (j > 0) current = Blend(rows[i][j - 1], current, blendExtent, dim: 3);
                rows[i][j] = current;
                cropped.Add(current.narrow(2, 0, Math.Min(rowLimit, current.shape[2]))
                                   .narrow(3, 0, Math.Min(rowLimit, current.shape[3]))); // (B, C, ≤r, ≤r)
            }
            resultRows.Add(cat(cropped, dim: 3)); // (B, C, ≤r, w·f)
        }
        return cat(resultRows, dim: 2).MoveToOuterDisposeScope(); // (B, C, h·f, w·f)
    }

    // Fades the last rows/columns of before into the first ones of after along dim.
    private static Tensor Blend(Tensor before, Tensor after, int blendExtent, int dim)
    {
        var extent = (int)Math.Min(Math.Min(before.shape[dim], after.shape[dim]), blendExtent);
        if (extent == 0) return after;
        // Weights are formed in double and rounded once, as diffusers' Python-float factors are.
        var shape = dim == 2 ? new long[] { 1, 1, extent, 1 } : [1, 1, 1, extent];
        var ramp = arange(extent, ScalarType.Float64, after.device).div(extent);                 // (e)
        var weightAfter = ramp.to(after.dtype).view(shape);                                       // e along dim
        var weightBefore = ramp.neg().add(1.0).to(after.dtype).view(shape);                       // e along dim
        var tail = before.narrow(dim, before.shape[dim] - extent, extent);                        // e along dim
        var head = after.narrow(dim, 0, extent);                                                  // e along dim
        var blended = tail * weightBefore + head * weightAfter;                                   // e along dim
        return cat([blended, after.narrow(dim, extent, after.shape[dim] - extent)], dim);        // same shape as after
    }
}
