using Microsoft.Extensions.Options;
using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Health;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;
using TeEFusion.Service.Telemetry;

namespace TeEFusion.Service.Worker;

/// <summary>
/// The only code that touches the device after the model is loaded. It runs on its own dedicated thread (TorchSharp
/// dispose scopes are thread-local, and nothing here awaits) and does, at each step boundary, what
/// <see cref="WorkerPolicy"/> picks: swap the served model, admit queued jobs into its <see cref="BatchEngine"/>, advance
/// them by one step, run one distillation iteration, or sleep on the <see cref="WorkerSignal"/> until work arrives. On
/// stop, queued jobs are canceled with a reason, running ones get <see cref="WorkerOptions.DrainTimeoutSeconds"/> to
/// finish, and whatever is left is canceled.
/// </summary>
public sealed class DeviceWorker(
    ModelHost model,
    WorkerInbox inbox,
    JobDurations durations,
    BatchEngineFactory engines,
    ServiceHealth health,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<DeviceWorker> logger) : BackgroundService
{
    /// <summary>Name of the resilience pipeline (circuit breaker) every device call goes through.</summary>
    public const string ResiliencePipelineName = "device";

    // Owned by the worker thread: the engine running every model's jobs, and the end of the current gathering window
    // (null once the batch took its first step).
    private BatchEngine _engine = null!;
    private DateTimeOffset? _gatherUntil;
    private Job? _next;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Alive from here on; readiness also waits for the model, so there is no separate "waiting for the model" status.
        health.SetWorker(WorkerStatus.Running);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
            }
            catch (Exception ex)
            {
                // Fatal to the worker, not to the process: readiness reports it and the logs say why.
                logger.LogCritical(ex, "The device worker stopped on an unexpected error");
                health.SetWorker(WorkerStatus.Faulted, $"The device worker stopped: {ex.Message}");
            }
            done.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "TeEFusion device worker",
        };
        thread.Start();
        return done.Task;
    }

    private void Run(CancellationToken stopping)
    {
        if (!WaitForModels(stopping))
        {
            inbox.Jobs.Close();
            if (!stopping.IsCancellationRequested)
                health.SetWorker(WorkerStatus.Faulted, $"No model to run: {model.Error ?? "loading did not finish"}");
            return;
        }
        logger.LogInformation("Device worker running: batches of up to {MaxBatch} image(s), {MaxWait} ms gathering", engines.MaxBatchSize,
            engines.GatherWindow.TotalMilliseconds);
        _engine = engines.Create();
        try
        {
            Serve(stopping);
        }
        finally
        {
            _engine.Dispose();
        }
    }

    // True once loading ended with at least one model to serve.
    private bool WaitForModels(CancellationToken stopping)
    {
        try
        {
            model.WhenLoaded.WaitAsync(stopping).GetAwaiter().GetResult();
            return model.Models.Any(m => m.Pipeline is not null);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Serve(CancellationToken stopping)
    {
        while (true)
        {
            switch (WorkerPolicy.NextAction(State(stopping)))
            {
                case WorkerAction.Stop:
                    Drain();
                    return;
                case WorkerAction.Swap:
                    Swap();
                    break;
                case WorkerAction.Admit:
                    Admit();
                    break;
                case WorkerAction.Step:
                    _gatherUntil = null;
                    _engine.StepNext();
                    break;
                case WorkerAction.Gather:
                    Sleep(_gatherUntil!.Value - time.GetUtcNow(), stopping);
                    break;
                case WorkerAction.Train:
                    inbox.Training.RunIteration();
                    break;
                case WorkerAction.Wait:
                    Sleep(null, stopping);
                    break;
            }
        }
    }

    private WorkerState State(CancellationToken stopping)
    {
        var now = time.GetUtcNow();
        var gathering = _gatherUntil > now && _engine.ActiveImages < _engine.MaxBatchSize;
        var swap = inbox.Swaps.Pending;
        return new WorkerState(stopping.IsCancellationRequested, swap is not null, swap is not null && _engine.RunsModel(swap.Slot.Id),
            _engine.ActiveJobs, Head(now), gathering, inbox.Training.HasWork);
    }

    // The queued job the engine would admit next (see BatchEngine.ChooseAdmission), kept for Admit.
    private QueueHead Head(DateTimeOffset now)
    {
        var heads = inbox.Jobs.Heads();
        _next = heads.Count == 0 ? null : _engine.ChooseAdmission(heads, now);
        if (_next is not { } job) return QueueHead.Empty;
        return job.IsFinished || job.IsOverdue(now) || _engine.CanAdmit(job) ? QueueHead.Admissible : QueueHead.Blocked;
    }

    // The chosen job leaves the queue: a canceled one is dropped, an overdue one ended, any other joins the batch.
    private void Admit()
    {
        if (_next is not { } job || !inbox.Jobs.TryTake(job)) return;
        // Every job the worker takes off the queue is timed to its end, however it ends (canceled while queued,
        // expired, run, ended by the shutdown).
        durations.Watch(job);
        var now = time.GetUtcNow();
        if (job.IsFinished) return;
        if (job.IsOverdue(now))
        {
            _engine.Expire(job, now);
            return;
        }
        // The first job of a fresh batch opens the gathering window, so that jobs arriving together start together.
        if (_engine.ActiveJobs == 0) _gatherUntil = now + engines.GatherWindow;
        _engine.Admit(job);
    }

    // A promotion or restore: the policy admitted nothing new while it was pending, and the model's running jobs finished
    // on the weights they started with.
    private void Swap()
    {
        var swap = inbox.Swaps.Pending!;
        model.Serve(swap.Slot, swap.Pipeline);
        inbox.Swaps.Applied(swap);
    }

    private void Sleep(TimeSpan? timeout, CancellationToken stopping)
    {
        if (timeout <= TimeSpan.Zero) return;
        try
        {
            inbox.Signal.Wait(timeout, stopping);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the policy answers Stop next.
        }
    }

    private void Drain()
    {
        inbox.Jobs.Close();
        while (inbox.Jobs.TryTakeOldest(out var job))
        {
            durations.Watch(job);
            _engine.EndForShutdown(job, BatchEngine.ShutdownQueuedReason);
        }
        var started = time.GetTimestamp();
        var drain = TimeSpan.FromSeconds(options.Value.DrainTimeoutSeconds);
        while (_engine.ActiveJobs > 0 && time.GetElapsedTime(started) < drain) _engine.StepNext();
        if (_engine.ActiveJobs > 0) logger.LogWarning("Drain timeout: canceling {Jobs} running job(s)", _engine.ActiveJobs);
        _engine.CancelAll();
        health.SetWorker(WorkerStatus.Stopped, "The service is shutting down.");
    }
}
