using TeEFusion.Core.MMDiT;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// Mixed precision with float32 master weights. The student's float32 parameters are the masters: the optimizer, the
/// gradient clipping, the EMA and the checkpoints only ever see them. The forward and backward run on a working copy
/// in the compute dtype (bfloat16), which <see cref="Refresh"/> rebuilds from the masters after every update; after
/// each micro-batch's backward, <see cref="AccumulateGradients"/> adds the working copy's gradients into float32
/// master gradients, so an accumulated step sums in float32 rather than in bfloat16. In float32 there is no copy:
/// the masters are trained in place.
/// </summary>
internal sealed class StudentComputeCopy : IDisposable
{
    private readonly SD3Transformer2DModel? _working;
    private readonly (Parameter Master, Parameter Working)[] _pairs = [];

    public StudentComputeCopy(SD3Transformer2DModel master, ScalarType dtype, Device device)
    {
        if (dtype == ScalarType.Float32)
        {
            Model = master;
            return;
        }
        _working = new SD3Transformer2DModel(master.Config, device, dtype);
        _working.train();
        var working = _working.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        _pairs = master.named_parameters().Select(p => (p.parameter, working[p.name])).ToArray();
        Model = new ComputeDTypeTransformer(_working, dtype);
        Refresh();
    }

    /// <summary>The model the loss is computed through: float32 in, float32 out.</summary>
    public nn.Module<SD3TransformerInput, Tensor> Model { get; }

    /// <summary>The module whose blocks run the forward (the working copy, or the masters in float32).</summary>
    public SD3Transformer2DModel Transformer => _working ?? (SD3Transformer2DModel)Model;

    /// <summary>Adds the working copy's gradients (in float32) into the masters' and clears the working copy's.</summary>
    public void AccumulateGradients()
    {
        if (_working is null) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (master, working) in _pairs)
        {
            var grad = working.grad;
            if (grad is null) continue;
            var total = master.grad;
            if (total is null) master.grad = grad.to(ScalarType.Float32, copy: true);
            else total.add_(grad);
        }
        _working.zero_grad();
    }

    /// <summary>Copies the (updated or restored) masters into the working copy, rounding to the compute dtype.</summary>
    public void Refresh()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (master, working) in _pairs) working.copy_(master);
    }

    public void Dispose()
    {
        if (_working is null) return;
        Model.Dispose();
        _working.Dispose();
    }
}
