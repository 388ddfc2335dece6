using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Endpoints;

/// <summary>
/// Holds the device worker inside a step through the <see cref="DeviceFaultHook"/> seam, so that a test can see jobs
/// queued or running at a known moment. The model still runs every step for real once released.
/// </summary>
public sealed class StepGate : IDisposable
{
    private readonly ManualResetEventSlim _open = new(false);
    private readonly SemaphoreSlim _entered = new(0);

    public void Install(DeviceFaultHook hook) => hook.BeforeStep = _ =>
    {
        _entered.Release();
        _open.Wait(TimeSpan.FromSeconds(60));
        return null;
    };

    /// <summary>Waits until the worker is held in a step.</summary>
    public async Task EnteredAsync() => Assert.True(await _entered.WaitAsync(TimeSpan.FromSeconds(30)), "the worker never reached a step");

    public void Open() => _open.Set();

    public void Dispose()
    {
        _open.Set();
        _open.Dispose();
        _entered.Dispose();
    }
}
