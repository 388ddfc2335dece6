using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// AdamW over named parameters with the update of torch.optim.AdamW (decoupled weight decay, bias-corrected
/// moments, ε added after the square root). Written out rather than wrapping optim.AdamW so that the moments are
/// plain named tensors: a checkpoint stores them as safetensors and a resumed run continues bit-for-bit.
/// </summary>
public sealed class StudentAdamW : IDisposable
{
    private readonly (string Name, Parameter Param)[] _parameters;
    private readonly Dictionary<string, Tensor> _expAvg = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> _expAvgSq = new(StringComparer.Ordinal);
    private readonly (double Beta1, double Beta2, double Epsilon, double WeightDecay) _settings;

    public StudentAdamW(IEnumerable<(string Name, Parameter Param)> parameters, DistillationSettings settings)
        : this(parameters, settings.Beta1, settings.Beta2, settings.Epsilon, settings.WeightDecay)
    {
    }

    public StudentAdamW(IEnumerable<(string Name, Parameter Param)> parameters, double beta1, double beta2, double epsilon, double weightDecay)
    {
        _parameters = parameters.ToArray();
        _settings = (beta1, beta2, epsilon, weightDecay);
        foreach (var (name, p) in _parameters)
        {
            _expAvg[name] = zeros_like(p).DetachFromDisposeScope();
            _expAvgSq[name] = zeros_like(p).DetachFromDisposeScope();
        }
    }

    /// <summary>Optimizer steps taken so far.</summary>
    public long StepCount { get; private set; }

    public IEnumerable<Parameter> Parameters => _parameters.Select(p => p.Param);

    /// <summary>One update with learning rate <paramref name="lr"/> from the parameters' .grad.</summary>
    public void Step(double lr)
    {
        using var noGrad = no_grad();
        StepCount++;
        var (b1, b2) = (_settings.Beta1, _settings.Beta2);
        // The scalars are made once and held until the loop ends: a Scalar converted implicitly for a single call can be
        // finalized while the native call still reads it (seen as "toDouble: Expected false to be true" mid-training).
        using var decay = (1 - lr * _settings.WeightDecay).ToScalar();
        using var beta1 = b1.ToScalar();
        using var oneMinusBeta1 = (1 - b1).ToScalar();
        using var beta2 = b2.ToScalar();
        using var oneMinusBeta2 = (1 - b2).ToScalar();
        using var correction2Sqrt = Math.Sqrt(1 - Math.Pow(b2, StepCount)).ToScalar();
        using var epsilon = _settings.Epsilon.ToScalar();
        using var stepSize = (-lr / (1 - Math.Pow(b1, StepCount))).ToScalar();
        foreach (var (name, p) in _parameters)
        {
            using var scope = NewDisposeScope();
            var grad = p.grad;
            if (grad is null) continue;
            if (_settings.WeightDecay != 0) p.mul_(decay);
            _expAvg[name].mul_(beta1).add_(grad, alpha: oneMinusBeta1);
            _expAvgSq[name].mul_(beta2).addcmul_(grad, grad, value: oneMinusBeta2);
            var denom = _expAvgSq[name].sqrt().div_(correction2Sqrt).add_(epsilon);
            p.addcdiv_(_expAvg[name], denom, value: stepSize);
        }
    }

    /// <summary>exp_avg/NAME and exp_avg_sq/NAME for every parameter, for a checkpoint.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> State() =>
        _expAvg.Select(e => KeyValuePair.Create("exp_avg/" + e.Key, e.Value))
            .Concat(_expAvgSq.Select(e => KeyValuePair.Create("exp_avg_sq/" + e.Key, e.Value)));

    /// <summary>Restores the moments and the step count written by <see cref="State"/>.</summary>
    public void Restore(Func<string, Tensor> read, long stepCount)
    {
        using var noGrad = no_grad();
        foreach (var (name, _) in _parameters)
        {
            using var scope = NewDisposeScope();
            _expAvg[name].copy_(read("exp_avg/" + name));
            _expAvgSq[name].copy_(read("exp_avg_sq/" + name));
        }
        StepCount = stepCount;
    }

    public void Dispose()
    {
        foreach (var t in _expAvg.Values.Concat(_expAvgSq.Values)) t.Dispose();
    }
}
