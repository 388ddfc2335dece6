using static TorchSharp.torch;

namespace TeEFusion.Core.Layers;

/// <summary>
/// Elementwise updates of a tensor the caller made and no longer needs (a norm's or a projection's output). At
/// inference (autograd off) the update is written into it, which saves allocating a tensor; under autograd, whose
/// graph may still need the old value, a new tensor is made. The values are the same either way: the operand order
/// does not matter to IEEE multiplication and addition. <c>temporary</c> must already have the result's shape.
/// </summary>
internal static class Temporaries
{
    public static Tensor Multiply(Tensor temporary, Tensor factor) => is_grad_enabled() ? temporary * factor : temporary.mul_(factor);

    public static Tensor Add(Tensor temporary, Tensor addend) => is_grad_enabled() ? temporary + addend : temporary.add_(addend);
}
