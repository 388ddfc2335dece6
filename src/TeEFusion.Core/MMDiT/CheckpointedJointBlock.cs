// The reentrant variant of torch.utils.checkpoint (CheckpointFunction), written as a TorchSharp custom autograd function.
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.MMDiT;

/// <summary>
/// Activation checkpointing of one <see cref="JointTransformerBlock"/>: the forward runs without autograd (TorchSharp's
/// Function.apply disables it), so none of the block's intermediate activations are kept; only its three inputs are
/// saved. The backward recomputes the block with autograd on from those inputs and back-propagates the incoming
/// gradients through the recomputation: the block's parameter gradients are accumulated into their .grad by that inner
/// backward (exactly as without checkpointing, each parameter is used once per block call), and the inputs' gradients
/// are returned to the outer graph. The block has no dropout or other randomness, so the recomputation is exact.
/// </summary>
internal sealed class CheckpointedJointBlock : autograd.MultiTensorFunction<CheckpointedJointBlock>
{
    private const string BlockKey = "block";

    public override string Name => nameof(CheckpointedJointBlock);

    /// <summary>The block's (encoder_hidden_states?, hidden_states) computed as <see cref="JointTransformerBlock.forward"/> does.</summary>
    public static (Tensor?, Tensor) Apply(JointTransformerBlock block, Tensor hidden_states, Tensor encoder_hidden_states, Tensor temb)
    {
        var outputs = apply(block, hidden_states, encoder_hidden_states, temb);
        // The last block (context_pre_only) has no text output; a null cannot cross the autograd boundary, so it returns one tensor.
        return outputs.Count == 1 ? (null, outputs[0]) : (outputs[0], outputs[1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var block = (JointTransformerBlock)vars[0];
        var inputs = vars.Skip(1).Cast<Tensor>().ToList();
        ctx.save_data(BlockKey, block);
        ctx.save_for_backward(inputs);
        return Outputs(block.call(inputs[0], inputs[1], inputs[2]));
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grad_outputs)
    {
        var block = (JointTransformerBlock)ctx.get_data(BlockKey);
        using var scope = NewDisposeScope();
        List<Tensor> inputs;
        using (enable_grad())
        {
            // Fresh leaves: the recomputed graph ends at them, so the inner backward stops there and leaves their grads.
            inputs = ctx.get_saved_variables().Select(t => t.detach().requires_grad_(true)).ToList();
            var outputs = Outputs(block.call(inputs[0], inputs[1], inputs[2]));
            autograd.backward(outputs, grad_outputs);
        }
        // One gradient per forward argument; the block itself (not a tensor) gets none.
        return [null!, .. inputs.Select(i => i.grad?.MoveToOuterDisposeScope()!)];
    }

    private static List<Tensor> Outputs((Tensor? Context, Tensor Hidden) result) =>
        result.Context is null ? [result.Hidden] : [result.Context, result.Hidden];
}
