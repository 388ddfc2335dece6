using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Jobs.Redis;

/// <summary>
/// The replica's pub/sub listener. It wakes readers waiting for a job's next event and the claim loop when work was
/// queued, and passes on cancel requests through <see cref="CancelRequests"/> to whoever runs the job here. Pub/sub may drop a message (e.g. during a reconnect), so
/// every waiter also wakes after Redis:PollMilliseconds and looks for itself.
/// </summary>
public sealed class RedisNotifications(RedisConnection connection, IOptions<RedisOptions> options)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _eventWaiters = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _work = new(0);
    private readonly Channel<CancelNotice> _cancels = Channel.CreateUnbounded<CancelNotice>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
    private Task? _subscribed;

    /// <summary>Each cancel request published by any replica, in order.</summary>
    public ChannelReader<CancelNotice> CancelRequests => _cancels.Reader;

    /// <summary>Subscribes once (again after a failed try); the multiplexer renews the subscriptions after a reconnect.</summary>
    public async Task EnsureSubscribedAsync()
    {
        Task attempt;
        lock (_gate)
        {
            if (_subscribed is null || _subscribed.IsFaulted || _subscribed.IsCanceled) _subscribed = SubscribeAsync();
            attempt = _subscribed;
        }
        try
        {
            await attempt.ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisConnection.IsTransient(ex))
        {
            // Redis is down: waiters poll until a later call subscribes.
        }
    }

    /// <summary>A wait that completes at the job's next event, after the poll interval, or when its token fires.
    /// Register before reading, so that an event between the read and the wait is not missed.</summary>
    public Func<CancellationToken, Task> WatchEvents(string jobId)
    {
        var signal = _eventWaiters.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return async cancellation =>
        {
            try
            {
                await signal.Task.WaitAsync(_poll, cancellation).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Poll: the caller reads again anyway.
            }
        };
    }

    /// <summary>Waits until work may have been queued or this replica's worker moved (or the poll interval passed); true when
    /// woken by a signal.</summary>
    public Task<bool> WaitForWorkAsync(CancellationToken cancellation) => _work.WaitAsync(_poll, cancellation);

    /// <summary>Wakes the claim loop (at most one pending wake-up: it looks at everything when it runs).</summary>
    public void WakeClaimLoop()
    {
        if (_work.CurrentCount == 0) _work.Release();
    }

    private async Task SubscribeAsync()
    {
        var subscriber = connection.Subscriber;
        var prefix = connection.Prefix;
        await subscriber.SubscribeAsync(RedisChannel.Literal(prefix + ":events"), (_, message) => WakeReaders(message!)).ConfigureAwait(false);
        await subscriber.SubscribeAsync(RedisChannel.Literal(prefix + ":work"), (_, _) => WakeClaimLoop()).ConfigureAwait(false);
        await subscriber.SubscribeAsync(RedisChannel.Literal(prefix + ":cancel"), (_, message) =>
        {
            var text = (string)message!;
            var split = text.IndexOf('\n', StringComparison.Ordinal);
            if (split > 0) _cancels.Writer.TryWrite(new CancelNotice(text[..split], text[(split + 1)..]));
        }).ConfigureAwait(false);
    }

    private void WakeReaders(string jobId)
    {
        if (_eventWaiters.TryRemove(jobId, out var signal)) signal.TrySetResult();
    }
}
