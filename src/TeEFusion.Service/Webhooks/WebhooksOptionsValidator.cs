using Microsoft.Extensions.Options;

namespace TeEFusion.Service.Webhooks;

/// <summary>Checked at start-up: well-formed secrets and networks, and a deadline that leaves room for one attempt.</summary>
public sealed class WebhooksOptionsValidator : IValidateOptions<WebhooksOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhooksOptions options)
    {
        var problems = WebhookSigner.Problems(options.Secret).Select(p => $"Webhooks:Secret: {p}.")
            .Concat(options.AllowedNetworks.Where(n => !WebhookDestinationPolicy.IsNetwork(n))
                .Select(n => $"Webhooks:AllowedNetworks: '{n}' is not a CIDR such as 10.0.0.0/8 or fd00::/8."))
            .ToList();
        if (options.DeadlineSeconds < options.AttemptTimeoutSeconds)
            problems.Add($"Webhooks:DeadlineSeconds ({options.DeadlineSeconds}) must be at least Webhooks:AttemptTimeoutSeconds ({options.AttemptTimeoutSeconds}).");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
