using Microsoft.Extensions.Options;
using TeEFusion.Core.Runtime;

namespace TeEFusion.Service.Options;

/// <summary>
/// Rejects a device or dtype the Core parser does not accept, and the benchmarks' simulated device unless
/// Bench:SimulatedDevice:Enabled allows it, before the host starts.
/// </summary>
public sealed class DeviceOptionsValidator(IOptions<SimulatedDeviceOptions> simulated) : IValidateOptions<DeviceOptions>
{
    public ValidateOptionsResult Validate(string? name, DeviceOptions options)
    {
        var failures = new List<string>();
        if (options.IsSimulated && !simulated.Value.Enabled)
            failures.Add($"Compute:Device: '{DeviceOptions.Simulated}' is the benchmarks' simulated device (every image is a fixed file); " +
                         $"it runs only with {SimulatedDeviceOptions.Section}:Enabled = true.");
        try { ComputeOptions.ParseDevice(options.ModelDevice); }
        catch (ArgumentException e) { failures.Add($"Compute:Device: {e.Message}"); }
        try { ComputeOptions.ParseDType(options.DType); }
        catch (ArgumentException e) { failures.Add($"Compute:DType: {e.Message}"); }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
