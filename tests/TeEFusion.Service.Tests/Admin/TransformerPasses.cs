using TeEFusion.Core.Pipelines;

namespace TeEFusion.Service.Tests.Admin;

/// <summary>
/// Counts the model passes a served pipeline spends: the batch rows of every forward of its transformer (one image's row
/// of one forward = one pass), through a forward hook removed on dispose. The worker thread runs the forwards.
/// </summary>
public sealed class TransformerPasses : IDisposable
{
    private readonly Action _removeHook;
    private int _rows;

    public TransformerPasses(SD3Pipeline pipeline) =>
        _removeHook = pipeline.Components.Transformer.register_forward_hook((_, input, output) =>
        {
            Interlocked.Add(ref _rows, (int)input.HiddenStates.shape[0]);
            return output;
        }).remove;

    public int Count => Volatile.Read(ref _rows);

    public void Dispose() => _removeHook();
}
