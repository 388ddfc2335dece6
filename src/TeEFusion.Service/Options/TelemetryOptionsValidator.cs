using Microsoft.Extensions.Options;

namespace TeEFusion.Service.Options;

/// <summary>An OTLP endpoint, when given, must be an absolute http(s) address (empty turns OTLP off).</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint)) return ValidateOptionsResult.Success;
        return Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Telemetry:OtlpEndpoint '{options.OtlpEndpoint}' is not an absolute http(s) address.");
    }
}
