using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// An exponential moving average of the student's parameters, ema ← d·ema + (1 − d)·θ after every optimizer step,
/// kept in float32 beside the trained weights.
/// </summary>
public sealed class StudentEma : IDisposable
{
    private readonly (string Name, Parameter Param)[] _parameters;
    private readonly Dictionary<string, Tensor> _average = new(StringComparer.Ordinal);
    private readonly double _decay;

    public StudentEma(IEnumerable<(string Name, Parameter Param)> parameters, double decay)
    {
        _parameters = parameters.ToArray();
        _decay = decay;
        using var noGrad = no_grad();
        foreach (var (name, p) in _parameters) _average[name] = p.detach().clone().DetachFromDisposeScope();
    }

    public void Update()
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in _parameters) _average[name].mul_(_decay).add_(p, alpha: 1 - _decay);
    }

    /// <summary>Copies the averages into the same-named parameters of <paramref name="target"/> (a student-shaped model).</summary>
    public void CopyTo(nn.Module target)
    {
        using var noGrad = no_grad();
        var parameters = target.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, average) in _average) parameters[name].copy_(average);
    }

    /// <summary>ema/NAME for every parameter, for a checkpoint.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> State() => _average.Select(e => KeyValuePair.Create("ema/" + e.Key, e.Value));

    public void Restore(Func<string, Tensor> read)
    {
        using var noGrad = no_grad();
        foreach (var (name, average) in _average)
        {
            using var scope = NewDisposeScope();
            average.copy_(read("ema/" + name));
        }
    }

    public void Dispose()
    {
        foreach (var t in _average.Values) t.Dispose();
    }
}
