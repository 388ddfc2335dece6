using Microsoft.Extensions.Options;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Webhooks;

/// <summary>
/// The in-process provider's outbox: this replica's memory (lost with it, like its jobs). A job's queue exists while it
/// has messages; it is either waiting in the ready queue or being delivered. Delivery counts are kept for as long as the
/// job's results are (Queue:ResultTtlSeconds) after its last message.
/// </summary>
public sealed class InMemoryWebhookOutbox(IOptions<QueueOptions> queue, TimeProvider time) : IWebhookOutbox
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<WebhookMessage>> _queues = new(StringComparer.Ordinal);
    private readonly Queue<string> _ready = new();
    private readonly HashSet<string> _gone = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (WebhookDeliveries Deliveries, DateTimeOffset Changed)> _state = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly TimeSpan _retention = TimeSpan.FromSeconds(queue.Value.ResultTtlSeconds);

    public int Pending
    {
        get { lock (_gate) return _queues.Values.Sum(q => q.Count); }
    }

    public Task AddAsync(WebhookMessage message, CancellationToken cancellation)
    {
        lock (_gate)
        {
            Forget();
            if (_gone.Contains(message.JobId)) return Task.CompletedTask;
            if (_queues.TryGetValue(message.JobId, out var pending))
            {
                pending.Enqueue(message);
                return Task.CompletedTask;
            }
            _queues[message.JobId] = new Queue<WebhookMessage>([message]);
            Ready(message.JobId);
        }
        return Task.CompletedTask;
    }

    public Task<WebhookLease?> TakeAsync(CancellationToken cancellation)
    {
        lock (_gate)
        {
            return Task.FromResult(_ready.TryDequeue(out var jobId) ? new WebhookLease(_queues[jobId].Peek(), jobId) : null);
        }
    }

    public Task WaitForWorkAsync(CancellationToken cancellation) => _signal.WaitAsync(cancellation);

    // Nothing else can take a job's message in this process.
    public Task<bool> RenewAsync(WebhookLease lease, CancellationToken cancellation) => Task.FromResult(true);

    public Task RecordAttemptAsync(string jobId, int? status, string? error, CancellationToken cancellation)
    {
        Update(jobId, d => d with { Attempted = d.Attempted + 1, LastStatus = status, LastError = error });
        return Task.CompletedTask;
    }

    public Task CompleteAsync(WebhookLease lease, WebhookOutcome outcome, CancellationToken cancellation)
    {
        var jobId = lease.Message.JobId;
        Update(jobId, d => outcome == WebhookOutcome.Delivered ? d with { Delivered = d.Delivered + 1 } : d with { Failed = d.Failed + 1 });
        lock (_gate)
        {
            var pending = _queues[jobId];
            pending.Dequeue();
            if (outcome == WebhookOutcome.Gone)
            {
                _gone.Add(jobId);
                pending.Clear();
            }
            if (pending.Count > 0) Ready(jobId);
            else _queues.Remove(jobId);
        }
        return Task.CompletedTask;
    }

    public Task<WebhookDeliveries> DeliveriesAsync(string jobId, CancellationToken cancellation)
    {
        lock (_gate) return Task.FromResult(_state.TryGetValue(jobId, out var state) ? state.Deliveries : WebhookDeliveries.None);
    }

    // Under _gate.
    private void Ready(string jobId)
    {
        _ready.Enqueue(jobId);
        _signal.Release();
    }

    private void Update(string jobId, Func<WebhookDeliveries, WebhookDeliveries> change)
    {
        lock (_gate)
        {
            var current = _state.TryGetValue(jobId, out var state) ? state.Deliveries : WebhookDeliveries.None;
            _state[jobId] = (change(current), time.GetUtcNow());
        }
    }

    // Under _gate: counts of jobs with nothing pending, older than the results they describe.
    private void Forget()
    {
        var cutoff = time.GetUtcNow() - _retention;
        foreach (var jobId in _state.Where(s => s.Value.Changed < cutoff && !_queues.ContainsKey(s.Key)).Select(s => s.Key).ToList())
        {
            _state.Remove(jobId);
            _gone.Remove(jobId);
        }
    }
}
