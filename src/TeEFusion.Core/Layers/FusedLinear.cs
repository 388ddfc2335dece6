using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>
/// Linear layers that read the same input (an attention's q, k and v projections) run as ONE matmul at inference.
/// At construction their weights and biases become views of one concatenated weight and bias, so the layers keep
/// their parameters (state_dict keys, loading, saving and optimizers see no change) and every in-place update of
/// those parameters (optimizer step, EMA copy, safetensors load) is an update of the fused matmul too: nothing to
/// rebuild, nothing to go stale. The fused matmul is used only for inference, in eval mode under no_grad: under
/// autograd the gradients must reach the named parameters, and a training-mode forward under no_grad (an activation
/// checkpoint's) must equal its recomputation with autograd bit for bit, which one matmul instead of three does not
/// promise. It is used only while each layer still holds the parameter made here: Module.to(), which replaces
/// parameters, or an assignment ends the sharing, and the layers then simply run one by one.
/// </summary>
internal sealed class FusedLinear : IDisposable
{
    private readonly Linear[] _layers;
    private readonly Parameter[] _weights;
    private readonly Parameter[] _biases;
    private readonly Tensor _weight; // (Σ out, in)
    private readonly Tensor _bias;   // (Σ out)

    public FusedLinear(params Linear[] layers)
    {
        if (layers.Any(l => l.bias is null))
            throw new ArgumentException("FusedLinear needs layers with a bias.", nameof(layers));
        using var noGrad = no_grad();
        _layers = layers;
        _weight = cat(layers.Select(l => (Tensor)l.weight!).ToArray(), 0).DetachFromDisposeScope();
        _bias = cat(layers.Select(l => (Tensor)l.bias!).ToArray(), 0).DetachFromDisposeScope();
        _weights = new Parameter[layers.Length];
        _biases = new Parameter[layers.Length];
        long offset = 0;
        for (var i = 0; i < layers.Length; i++)
        {
            var rows = layers[i].weight!.shape[0];
            using var weight = _weight.narrow(0, offset, rows);
            using var bias = _bias.narrow(0, offset, rows);
            _weights[i] = Share(weight, layers[i].weight!.requires_grad);
            _biases[i] = Share(bias, layers[i].bias!.requires_grad);
            var (oldWeight, oldBias) = (layers[i].weight!, layers[i].bias!);
            layers[i].weight = _weights[i];
            layers[i].bias = _biases[i];
            oldWeight.Dispose();
            oldBias.Dispose();
            offset += rows;
        }
    }

    // detach: a plain leaf that shares the storage, as torch.nn.Parameter makes of its data; held by the module, not a scope.
    private static Parameter Share(Tensor view, bool requiresGrad) =>
        (Parameter)new Parameter(view.detach(), requiresGrad).DetachFromDisposeScope();

    /// <summary>
    /// The layers' outputs concatenated on the last dimension, (..., Σ out), from one matmul; null when the layers
    /// must run separately (training mode, autograd on, or a parameter no longer shared).
    /// </summary>
    public Tensor? TryForward(Tensor x, bool training) =>
        !training && !is_grad_enabled() && Shared() ? functional.linear(x, _weight, _bias) : null;

    private bool Shared()
    {
        for (var i = 0; i < _layers.Length; i++)
            if (!ReferenceEquals(_layers[i].weight, _weights[i]) || !ReferenceEquals(_layers[i].bias, _biases[i])) return false;
        return true;
    }

    public void Dispose()
    {
        _weight.Dispose();
        _bias.Dispose();
    }
}
