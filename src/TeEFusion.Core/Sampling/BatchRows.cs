using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>Runs work on a subset of a batch's rows (samples at different steps need different work).</summary>
internal static class BatchRows
{
    /// <summary>Indices b where <paramref name="predicate"/>(b) holds.</summary>
    public static long[] Where(int batch, Func<int, bool> predicate) =>
        Enumerable.Range(0, batch).Where(predicate).Select(b => (long)b).ToArray();

    /// <summary>
    /// Applies <paramref name="update"/> to the selected rows of x (with their σ, σ_next and conditioning) and
    /// returns x with those rows replaced; x itself when no row is selected. With <see cref="SamplerStepInput.FixedWidth"/>
    /// the update runs on every row and only the selected rows' results are kept.
    /// </summary>
    public static Tensor Update(Tensor x, long[] rows, SamplerStepInput input,
        Func<Tensor, float[], float[], SamplingConditioning, Tensor> update)
    {
        if (rows.Length == 0) return x;
        if (rows.Length == x.shape[0]) return update(x, input.Sigma, input.SigmaNext, input.Conditioning);
        using var scope = NewDisposeScope();
        var index = tensor(rows, device: x.device);                                            // (R)
        var part = input.FixedWidth
            ? update(x, input.Sigma, input.SigmaNext, input.Conditioning).index_select(0, index) // (R, C, H, W)
            : update(x.index_select(0, index),                                                 // (R, C, H, W)
                rows.Select(r => input.Sigma[r]).ToArray(),
                rows.Select(r => input.SigmaNext[r]).ToArray(),
                input.Conditioning.Select(rows));
        return x.index_copy(0, index, part).MoveToOuterDisposeScope();                         // (B, C, H, W)
    }

    /// <summary>Adds <paramref name="passes"/> to each listed row's tally.</summary>
    public static void Count(int[] tally, long[] rows, int passes)
    {
        foreach (var r in rows) tally[r] += passes;
    }
}
