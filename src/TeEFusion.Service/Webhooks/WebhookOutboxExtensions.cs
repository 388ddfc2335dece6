using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Webhooks;

public static class WebhookOutboxExtensions
{
    /// <summary>The job's webhook as its JSON shows it; null when the job has none.</summary>
    public static async Task<JobWebhookStatus?> StatusAsync(this IWebhookOutbox outbox, JobSnapshot job, CancellationToken cancellation) =>
        job.Spec.Webhook is { } hook
            ? new JobWebhookStatus(hook.Url, hook.Events, await outbox.DeliveriesAsync(job.Id, cancellation).ConfigureAwait(false))
            : null;
}
