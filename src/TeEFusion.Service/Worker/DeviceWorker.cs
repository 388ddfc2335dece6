using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Distillation;
using TeEFusion.Service.Health;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;
using TeEFusion.Service.Telemetry;

namespace TeEFusion.Service.Worker;

/// <summary>
/// The only code that touches the device after the model is loaded. It runs on its own dedicated thread (TorchSharp
/// dispose scopes are thread-local, and nothing here awaits): it takes jobs from the <see cref="GenerationQueue"/>
/// at step boundaries and lets a <see cref="BatchEngine"/> advance them. On stop, queued jobs are canceled with a
/// reason, running ones get <see cref="WorkerOptions.DrainTimeoutSeconds"/> to finish, and whatever is left is canceled.
/// Distillation runs only use the gaps: one training iteration runs when no job is running or queued, and the queue is
/// checked again before the next one, so a job that arrives during training waits at most one training iteration
/// (plus a checkpoint write on checkpoint iterations).
/// </summary>
public sealed class DeviceWorker(
    ModelHost model,
    GenerationQueue queue,
    JobStore store,
    ServiceHealth health,
    ServiceTelemetry telemetry,
    DeviceFaultHook faults,
    DistillationTrainer training,
    ModelSwaps swaps,
    ResiliencePipelineProvider<string> resilience,
    IOptions<WorkerOptions> workerOptions,
    IOptions<BatchingOptions> batchingOptions,
    TimeProvider time,
    ILogger<DeviceWorker> logger) : BackgroundService
{
    /// <summary>Name of the resilience pipeline (circuit breaker) every device call goes through.</summary>
    public const string ResiliencePipelineName = "device";

    /// <summary>The reason queued jobs carry when the service stops before they start.</summary>
    public const string ShutdownQueuedReason = "The service is shutting down; the job was still queued and never started.";

    /// <summary>The reason running jobs carry when the drain timeout ends them.</summary>
    public const string ShutdownRunningReason = "The service shut down before the job finished (Worker:DrainTimeoutSeconds passed).";

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    // How often an idle worker looks for a distillation run to start.
    private static readonly TimeSpan TrainingPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly WorkerOptions _worker = workerOptions.Value;
    private readonly BatchingOptions _batching = batchingOptions.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.QueueDepth ??= () => queue.Depth;
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
        var pipeline = WaitForModel(stopping);
        if (pipeline is null)
        {
            queue.Close();
            if (!stopping.IsCancellationRequested)
                health.SetWorker(WorkerStatus.Faulted, $"No model to run: {model.Error ?? "loading did not finish"}");
            return;
        }
        var maxBatch = _batching.Enabled ? _batching.MaxBatchSize : 1;
        var engine = CreateEngine(pipeline, maxBatch);
        try
        {
            Serve(ref engine, maxBatch, stopping);
        }
        finally
        {
            engine.Dispose();
        }
    }

    private BatchEngine CreateEngine(StudentPipeline pipeline, int maxBatch) =>
        new(pipeline, maxBatch, _batching.PadToMaxBatchSize, resilience.GetPipeline(ResiliencePipelineName), faults, new WorkerInstruments(telemetry),
            time, logger);

    private void Serve(ref BatchEngine engine, int maxBatch, CancellationToken stopping)
    {
        logger.LogInformation("Device worker running: batches of up to {MaxBatch} image(s), {MaxWait} ms gathering", maxBatch,
            _batching.MaxWaitMilliseconds);
        var lastSweep = time.GetTimestamp();
        while (!stopping.IsCancellationRequested)
        {
            if (swaps.Pending is { } swap)
            {
                // A promotion: admit nothing new, let running jobs finish on their weights, then serve the new pipeline.
                if (engine.ActiveJobs > 0)
                {
                    engine.StepNext();
                    continue;
                }
                engine.Dispose();
                engine = CreateEngine(swap.Pipeline, maxBatch);
                model.Swap(swap.Pipeline);
                swaps.Applied(swap);
            }
            if (engine.ActiveJobs == 0)
            {
                if (!queue.Reader.TryPeek(out _) && training.HasWork)
                    training.RunIteration();
                else if (!WaitForWork(stopping))
                    break;
                else if (queue.Reader.TryPeek(out _))
                    Gather(engine, stopping);
            }
            Admit(engine);
            engine.StepNext();
            if (time.GetElapsedTime(lastSweep) >= SweepInterval)
            {
                store.Sweep();
                lastSweep = time.GetTimestamp();
            }
        }
        Drain(engine);
    }

    private StudentPipeline? WaitForModel(CancellationToken stopping)
    {
        try
        {
            return model.WhenLoaded.WaitAsync(stopping).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    // Blocks the worker thread until a job is queued, a distillation run waits or a model swap is pending; false when stopping or the queue is closed.
    private bool WaitForWork(CancellationToken stopping)
    {
        try
        {
            var ready = queue.Reader.WaitToReadAsync(stopping).AsTask();
            while (!((IAsyncResult)ready).AsyncWaitHandle.WaitOne(TrainingPollInterval))
            {
                if (training.HasWork || swaps.Pending is not null) return true;
            }
            return ready.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // A fresh batch waits up to MaxWaitMilliseconds for company, so that jobs arriving together start together.
    private void Gather(BatchEngine engine, CancellationToken stopping)
    {
        var started = time.GetTimestamp();
        var wait = TimeSpan.FromMilliseconds(_batching.MaxWaitMilliseconds);
        while (!stopping.IsCancellationRequested && time.GetElapsedTime(started) < wait)
        {
            Admit(engine);
            if (queue.Reader.TryPeek(out var next) && !next.IsFinished && !engine.CanAdmit(next)) return;
            Thread.Sleep(1);
        }
    }

    // Takes queued jobs in order while they fit; canceled ones are dropped, overdue ones ended.
    private void Admit(BatchEngine engine)
    {
        while (queue.Reader.TryPeek(out var job))
        {
            var now = time.GetUtcNow();
            var overdue = job.Deadline is { } deadline && now >= deadline;
            if (!job.IsFinished && !overdue && !engine.CanAdmit(job)) return;
            queue.Reader.TryRead(out _);
            queue.Left(job);
            if (job.IsFinished) continue;
            if (overdue) engine.Expire(job, now);
            else engine.Admit(job);
        }
    }

    private void Drain(BatchEngine engine)
    {
        queue.Close();
        var now = time.GetUtcNow();
        while (queue.Reader.TryRead(out var job))
        {
            queue.Left(job);
            if (job.TryCancel(ShutdownQueuedReason, now)) telemetry.RecordFailure("shutdown");
        }
        var started = time.GetTimestamp();
        var drain = TimeSpan.FromSeconds(_worker.DrainTimeoutSeconds);
        while (engine.ActiveJobs > 0 && time.GetElapsedTime(started) < drain) engine.StepNext();
        if (engine.ActiveJobs > 0) logger.LogWarning("Drain timeout: canceling {Jobs} running job(s)", engine.ActiveJobs);
        engine.CancelAll(ShutdownRunningReason);
        health.SetWorker(WorkerStatus.Stopped, "The service is shutting down.");
    }
}
