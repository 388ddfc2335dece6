using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Endpoints;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Telemetry;

namespace TeEFusion.Service.Webhooks;

/// <summary>
/// Moves job events from <see cref="WebhookListener"/> into the outbox (building each body once, as the job's JSON was
/// when the event happened), and runs Webhooks:Concurrency delivery loops that take one job's first message at a time,
/// send it through <see cref="WebhookSender"/>, keep its lease meanwhile, and complete it. Registered before the device
/// worker, so it stops after the worker has drained: the events of the drain still reach the outbox.
/// </summary>
public sealed class WebhookDispatcher(
    WebhookListener listener,
    IWebhookOutbox outbox,
    WebhookSender sender,
    WebhookMetrics metrics,
    IOptions<JsonOptions> json,
    IOptions<WebhooksOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : IHostedService
{
    private static readonly TimeSpan ErrorPause = TimeSpan.FromSeconds(1);
    // Never disposed: the host may stop this service after disposing it, and a source without a timer holds nothing.
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _renewInterval = TimeSpan.FromSeconds(options.Value.LeaseSeconds / 3.0);
    private Task _pumping = Task.CompletedTask;
    private Task _delivering = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _pumping = Task.Run(PumpAsync, CancellationToken.None);
        _delivering = Task.WhenAll(Enumerable.Range(0, options.Value.Concurrency).Select(_ => Task.Run(() => DeliverLoopAsync(_stop.Token), CancellationToken.None)));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        listener.Complete();
        await Task.WhenAny(_pumping, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        // Deliveries in flight are abandoned: in Redis they stay pending, and another replica takes them when their lease expires.
        await _stop.CancelAsync().ConfigureAwait(false);
        await _delivering.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        await foreach (var entry in listener.Events.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await outbox.AddAsync(await MessageAsync(entry).ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                metrics.Dropped();
                logger.LogError(ex, "Webhook event {Event} of job {JobId} could not be stored for delivery", entry.Type, entry.Snapshot.Id);
            }
        }
    }

    private async Task<WebhookMessage> MessageAsync(WebhookEvent entry)
    {
        var job = entry.Snapshot;
        var hook = job.Spec.Webhook!;
        var response = JobEndpoints.Describe(new JobStatus(job, null), hook.ServiceBase, entry.At)
            with { Webhook = await outbox.StatusAsync(job, CancellationToken.None).ConfigureAwait(false) };
        // Deterministic: a job re-run on another replica after a crash sends its events under the same ids.
        var id = entry.Type == WebhookEvents.Progress ? $"msg_{job.Id}_progress_{job.Step}" : $"msg_{job.Id}_{entry.Type}";
        return new WebhookMessage(id, job.Id, entry.Type, hook.Url, JsonSerializer.Serialize(response, json.Value.SerializerOptions),
            entry.At.ToUnixTimeMilliseconds());
    }

    private async Task DeliverLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await outbox.TakeAsync(stopping).ConfigureAwait(false) is { } lease) await DeliverAsync(lease, stopping).ConfigureAwait(false);
                else await outbox.WaitForWorkAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Webhook delivery loop failed; trying again: {Message}", ex.Message);
                await Task.Delay(ErrorPause, time, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task DeliverAsync(WebhookLease lease, CancellationToken stopping)
    {
        var message = lease.Message;
        using var activity = ServiceTelemetry.ActivitySource.StartActivity("webhook delivery") ?? new Activity("webhook delivery").Start();
        activity.SetTag(ServiceTelemetry.JobIdTag, message.JobId);
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var renewal = KeepLeaseAsync(lease, renewing.Token);
        WebhookOutcome outcome;
        try
        {
            outcome = await sender.SendAsync(message, stopping).ConfigureAwait(false);
        }
        finally
        {
            await renewing.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
        }
        await outbox.CompleteAsync(lease, outcome, CancellationToken.None).ConfigureAwait(false);
        metrics.Ended(outcome, time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(message.EventAtMillis));
        if (outcome != WebhookOutcome.Delivered)
            logger.LogWarning("Webhook {MessageId} ({Event}) of job {JobId} not delivered: {Outcome} (trace {TraceId})",
                message.Id, message.Event, message.JobId, outcome, activity.TraceId);
    }

    private async Task KeepLeaseAsync(WebhookLease lease, CancellationToken cancellation)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_renewInterval, time, cancellation).ConfigureAwait(false);
                if (!await outbox.RenewAsync(lease, cancellation).ConfigureAwait(false))
                    logger.LogWarning("Lost the lease of webhook {MessageId} of job {JobId}; another replica may send it too", lease.Message.Id, lease.Message.JobId);
            }
        }
        catch (OperationCanceledException)
        {
            // The delivery ended.
        }
        catch (Exception ex)
        {
            logger.LogWarning("Renewing the lease of webhook {MessageId} failed: {Message}", lease.Message.Id, ex.Message);
        }
    }
}
