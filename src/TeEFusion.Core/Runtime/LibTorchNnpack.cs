using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Runtime;

/// <summary>
/// libtorch's NNPACK switch (Python's torch.backends.nnpack.set_flags), which TorchSharp 0.107 does not expose, reached
/// through libtorch's own exported C++ symbols (at::globalContext(), at::Context::setUserEnabledNNPACK).
/// </summary>
/// <remarks>
/// Why turn it off: libtorch 2.10 asks whether NNPACK is available before every float32 CPU convolution that oneDNN
/// declines (small batch-1 convolutions, such as the VAE's at 64×64), and on a CPU that NNPACK does not support (no
/// AVX2) each ask prints "Could not initialize NNPACK! Reason: Unsupported hardware." to stderr. When the switch is off
/// libtorch does not ask. No kernel choice changes: NNPACK would only take convolutions with a batch of 16 or more,
/// and oneDNN takes all of those before NNPACK is considered.
/// </remarks>
public static class LibTorchNnpack
{
    private const string LibTorchCpu = "libtorch_cpu";

    /// <summary>libtorch's switch: true until <see cref="TryTurnOff"/> turns it off (libtorch's default).</summary>
    public static bool Enabled
    {
        get
        {
            InitializeDeviceType(DeviceType.CPU);
            return UserEnabledNnpack(GlobalContext());
        }
    }

    /// <summary>
    /// Turns NNPACK off for this process. False, with <paramref name="reason"/>, when this libtorch lacks the symbols
    /// (another libtorch version or platform); libtorch then behaves as before, warnings included.
    /// </summary>
    public static bool TryTurnOff(out string? reason)
    {
        try
        {
            // TorchSharp loads libtorch on first use; load it here so the symbols below come from that same library.
            InitializeDeviceType(DeviceType.CPU);
            SetUserEnabledNnpack(GlobalContext(), false);
            reason = null;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            reason = e.Message;
            return false;
        }
    }

    [DllImport(LibTorchCpu, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport(LibTorchCpu, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(LibTorchCpu, EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledNnpack(IntPtr context);
}
