using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>OpenTelemetry export (section "Telemetry").</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>service.name on every span and metric.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ServiceName { get; set; } = "teefusion-service";

    /// <summary>OTLP collector address (e.g. http://localhost:4317); empty exports nothing over OTLP.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>`grpc` or `http/protobuf`.</summary>
    [RegularExpression("^(grpc|http/protobuf)$", ErrorMessage = "Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf'.")]
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Serve Prometheus text at /metrics.</summary>
    public bool PrometheusEnabled { get; set; } = true;
}
