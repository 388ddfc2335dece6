using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Polly.Timeout;

namespace TeEFusion.Service.Webhooks;

/// <summary>
/// Delivers one message: POSTs it, signed afresh per attempt (a new webhook-timestamp, the same webhook-id and body),
/// through the "webhooks" resilience pipeline (a total deadline around exponential, jittered retries around a per-attempt
/// timeout). 2xx = delivered, 410 = gone, anything else (3xx included: redirects are not followed) is retried.
/// </summary>
public sealed class WebhookSender(
    IHttpClientFactory clients,
    WebhookSigner signer,
    ResiliencePipelineProvider<string> resilience,
    IWebhookOutbox outbox,
    IOptions<WebhooksOptions> options,
    TimeProvider time,
    ILogger<WebhookSender> logger)
{
    public const string ClientName = "webhooks";
    public const string ResiliencePipelineName = "webhooks";
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>How the delivery ended; throws <see cref="OperationCanceledException"/> only when <paramref name="stopping"/> fires.</summary>
    public async Task<WebhookOutcome> SendAsync(WebhookMessage message, CancellationToken stopping)
    {
        var pipeline = resilience.GetPipeline<WebhookAttempt>(ResiliencePipelineName);
        var attempts = 0;
        try
        {
            var last = await pipeline.ExecuteAsync(async token => await AttemptAsync(message, ++attempts, stopping, token), stopping);
            return last.Outcome;
        }
        catch (TimeoutRejectedException) when (!stopping.IsCancellationRequested)
        {
            logger.LogWarning("Webhook {MessageId} of job {JobId} given up after {Attempts} attempt(s) (trace {TraceId}): no 2xx within {Deadline} s",
                message.Id, message.JobId, attempts, Activity.Current?.TraceId, options.Value.DeadlineSeconds);
            return WebhookOutcome.Failed;
        }
    }

    private async ValueTask<WebhookAttempt> AttemptAsync(WebhookMessage message, int number, CancellationToken stopping, CancellationToken attempt)
    {
        WebhookAttempt result;
        try
        {
            result = await PostAsync(message, attempt);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            // The attempt's timeout (or the deadline) cut it short; the pipeline decides what comes next.
            await RecordAsync(message, number, new WebhookAttempt(null, $"No answer within {options.Value.AttemptTimeoutSeconds} s.", Retry: true));
            throw;
        }
        await RecordAsync(message, number, result);
        return result;
    }

    private async Task<WebhookAttempt> PostAsync(WebhookMessage message, CancellationToken cancellation)
    {
        var body = Encoding.UTF8.GetBytes(message.Body);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add("webhook-id", message.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signer.Sign(message.Id, timestamp, body));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return new WebhookAttempt(status, null, Retry: false);
            var error = (int)response.StatusCode is >= 300 and < 400
                ? $"HTTP {status}: redirect to {response.Headers.Location} not followed."
                : $"HTTP {status}: {await ReadSomeAsync(response, cancellation)}";
            return new WebhookAttempt(status, error, Retry: status != 410);
        }
        catch (HttpRequestException ex) when (Refusal(ex) is { } refused)
        {
            return new WebhookAttempt(null, refused.Message, Retry: false);
        }
        catch (HttpRequestException ex)
        {
            return new WebhookAttempt(null, ex.Message, Retry: true);
        }
    }

    private async Task RecordAsync(WebhookMessage message, int number, WebhookAttempt attempt)
    {
        if (attempt.Error is not null)
        {
            logger.LogWarning("Webhook {MessageId} ({Event}) of job {JobId}, attempt {Attempt} failed (trace {TraceId}): {Error}",
                message.Id, message.Event, message.JobId, number, Activity.Current?.TraceId, attempt.Error);
        }
        await outbox.RecordAttemptAsync(message.JobId, attempt.Status, attempt.Error, CancellationToken.None);
    }

    // The start of the body, for last_error: bounded, so a receiver cannot make the service read (or keep) much.
    private async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        var buffer = new byte[options.Value.MaxResponseBytes];
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation);
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellation);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static WebhookRefusedException? Refusal(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is WebhookRefusedException refused) return refused;
        }
        return null;
    }
}
