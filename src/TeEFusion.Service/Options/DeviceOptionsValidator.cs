using Microsoft.Extensions.Options;
using TeEFusion.Core.Runtime;

namespace TeEFusion.Service.Options;

/// <summary>Rejects a device or dtype the Core parser does not accept, before the host starts.</summary>
public sealed class DeviceOptionsValidator : IValidateOptions<DeviceOptions>
{
    public ValidateOptionsResult Validate(string? name, DeviceOptions options)
    {
        var failures = new List<string>();
        try { ComputeOptions.ParseDevice(options.Device); }
        catch (ArgumentException e) { failures.Add($"Compute:Device: {e.Message}"); }
        try { ComputeOptions.ParseDType(options.DType); }
        catch (ArgumentException e) { failures.Add($"Compute:DType: {e.Message}"); }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
