using TeEFusion.Core.Runtime;

namespace TeEFusion.Core.Tests.Runtime;

public class LibTorchNnpackTests
{
    [Fact]
    public void Turning_nnpack_off_clears_libtorch_s_own_switch()
    {
        // Nothing else in this test process touches the switch, so it still holds libtorch's default.
        Assert.True(LibTorchNnpack.Enabled);

        Assert.True(LibTorchNnpack.TryTurnOff(out var reason), reason);

        Assert.False(LibTorchNnpack.Enabled);
    }
}
