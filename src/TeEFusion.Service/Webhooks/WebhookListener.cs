using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Webhooks;

/// <summary>A job event a webhook asked for, as it was when it happened.</summary>
public sealed record WebhookEvent(JobSnapshot Snapshot, string Type, DateTimeOffset At);

/// <summary>
/// Hears the transitions of jobs with a webhook, on the device worker's thread, and only copies the ones asked for into a
/// bounded buffer that <see cref="WebhookDispatcher"/> empties. It never waits: when the buffer is full the event is
/// dropped, logged and counted (see <see cref="WebhooksOptions.BufferCapacity"/>), because a receiver, or Redis, must
/// never slow a denoising step.
/// </summary>
public sealed class WebhookListener(IOptions<WebhooksOptions> options, WebhookMetrics metrics, TimeProvider time, ILogger<WebhookListener> logger)
    : IJobListener
{
    private readonly Channel<WebhookEvent> _events = Channel.CreateBounded<WebhookEvent>(
        new BoundedChannelOptions(options.Value.BufferCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<WebhookEvent> Events => _events.Reader;

    // queued → running appends no event; for webhooks it is "started".
    public void OnTransition(Job job, JobSnapshot snapshot, JobEvent? entry) => Offer(snapshot, entry?.Type ?? WebhookEvents.Started);

    /// <summary>A shared store canceled a job no worker held (it was still queued), so no worker saw the transition.</summary>
    public void OnCanceledInStore(JobSnapshot snapshot) => Offer(snapshot, WebhookEvents.Canceled);

    private void Offer(JobSnapshot snapshot, string type)
    {
        if (snapshot.Spec.Webhook is not { } hook || !hook.Events.Contains(type)) return;
        if (_events.Writer.TryWrite(new WebhookEvent(snapshot, type, time.GetUtcNow()))) return;
        metrics.Dropped();
        logger.LogError("Webhook event {Event} of job {JobId} dropped: {Capacity} events wait for the outbox already", type, snapshot.Id,
            options.Value.BufferCapacity);
    }

    /// <summary>No more events (shutdown): the dispatcher empties what is left, then stops.</summary>
    public void Complete() => _events.Writer.TryComplete();
}
