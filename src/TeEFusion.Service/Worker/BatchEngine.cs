using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Service.Images;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Models;
using TeEFusion.Service.Telemetry;
using static TorchSharp.torch;

namespace TeEFusion.Service.Worker;

/// <summary>
/// Continuous batching at step level, for every served model and sampler. Running jobs are grouped by
/// <see cref="StepGroup"/> (model, sampler and its parameters, size); each <see cref="StepNext"/> advances every image of
/// one group by one denoising step in one batched sampler call (each row with its own σ, step index, seed, guidance and
/// negative prompt; a CFG step's conditional and unconditional rows, and a reflective step's passes, included), retires
/// the jobs that reached σ = 0 to decode and encode in their format, and drops canceled or overdue jobs. Groups take turns,
/// so no model's jobs wait more than one step of each other group. New jobs join between steps (<see cref="Admit"/>).
/// Synchronous and bound to one thread: every tensor operation runs inside a dispose scope on the caller's thread.
/// </summary>
/// <param name="models">The served models; a job runs on the pipeline its model serves when it is admitted.</param>
/// <param name="maxBatchSize">Images in flight. 1 runs one job at a time, unpadded.</param>
/// <param name="padToMaxBatchSize">Pad every batched forward to <paramref name="maxBatchSize"/> rows, so that an image is
/// byte-identical whether its job ran alone or in a full batch.</param>
/// <param name="device">The resilience pipeline (circuit breaker) every step and decode runs through.</param>
/// <param name="faults">The fault-injection seam, consulted before each step.</param>
/// <param name="instruments">Spans and metrics.</param>
/// <param name="publisher">Ends a decoded job: succeeded at once, or once its images are in the image store.</param>
/// <param name="time">The clock for deadlines and timings.</param>
/// <param name="logger">Logs with the job id in scope.</param>
/// <param name="simulated">The benchmarks' stand-in for the model math (prompt encoding, steps, decoding), owned by the engine; null on a real device.</param>
public sealed class BatchEngine(
    ModelHost models,
    int maxBatchSize,
    bool padToMaxBatchSize,
    ResiliencePipeline device,
    DeviceFaultHook faults,
    WorkerInstruments instruments,
    ImagePublisher publisher,
    TimeProvider time,
    ILogger logger,
    SimulatedDevice? simulated = null) : IDisposable
{
    /// <summary>The reason queued jobs carry when the service stops before they start.</summary>
    public const string ShutdownQueuedReason = "The service is shutting down; the job was still queued and never started.";

    /// <summary>The reason running jobs carry when the drain timeout ends them.</summary>
    public const string ShutdownRunningReason = "The service shut down before the job finished (Worker:DrainTimeoutSeconds passed).";

    private readonly List<JobRun> _runs = [];

    // The image's batching entry: which runs of the same request give the same bytes (see BatchingOptions.PadToMaxBatchSize).
    private readonly string _batching = padToMaxBatchSize ? $"padded-{maxBatchSize}" : "rows-in-flight";
    // The work each group got (see DeviceShares).
    private readonly DeviceShares<StepGroup> _shares = new();
    // The same ledger per model, for admission: which model's queued job takes a free place in the batch.
    private readonly DeviceShares<string> _modelShares = new();

    public int ActiveJobs => _runs.Count;

    /// <summary>Images in flight at most (a job with more images runs alone).</summary>
    public int MaxBatchSize => maxBatchSize;

    public int ActiveImages => _runs.Sum(r => r.ImageCount);

    /// <summary>True when a job of model <paramref name="modelId"/> is running (a swap of that model waits for it).</summary>
    public bool RunsModel(string modelId) => _runs.Any(r => r.Job.Spec.Model == modelId);

    /// <summary>
    /// Which of the queued <paramref name="heads"/> (each model's oldest job, oldest first) leaves the queue next: one that
    /// already ended (canceled, overdue) is dropped first; otherwise the head of the model that has had the least device
    /// work (see <see cref="DeviceShares{TGroup}"/>; models queued or running count, a model that was neither joins level),
    /// ties to the oldest. Without it the queue is one line for all models, so under load every job waits behind as many
    /// others whatever its model, the models finish equally many images per second, and a student's one pass per step
    /// no longer shows in its latency; with it the device's time is split evenly between the models, so a model whose
    /// images need half the work finishes twice as many. A head that does not fit waits (it is not overtaken, so a
    /// large job cannot starve).
    /// </summary>
    public Job ChooseAdmission(IReadOnlyList<Job> heads, DateTimeOffset now)
    {
        if (heads.FirstOrDefault(h => h.IsFinished || h.IsOverdue(now)) is { } ended) return ended;
        _modelShares.Track(heads.Select(h => h.Spec.Model).Concat(_runs.Select(r => r.Job.Spec.Model)));
        var model = _modelShares.Least(heads.GroupBy(h => h.Spec.Model).ToDictionary(g => g.Key, g => g.Min(h => h.Sequence)));
        return heads.First(h => h.Spec.Model == model);
    }

    /// <summary>True when the job's images fit beside those in flight (a job larger than the batch runs alone).</summary>
    public bool CanAdmit(Job job) => _runs.Count == 0 || ActiveImages + job.Spec.ImageCount <= maxBatchSize;

    /// <summary>Starts a queued job on its model: encodes its prompt once for all its images and draws each image's noise.</summary>
    public void Admit(Job job)
    {
        if (models.Find(job.Spec.Model)?.Pipeline is not { } pipeline)
        {
            if (job.TryFail(JobErrorCode.ModelUnavailable, $"The model '{job.Spec.Model}' is not served by this replica.", time.GetUtcNow()))
                instruments.Failure(JobErrorCode.ModelUnavailable.Name());
            return;
        }
        if (!job.TryStart(time.GetUtcNow(), pipeline.ModelId, pipeline.ModelVersion)) return;
        using var jobScope = logger.BeginJobScope(job.Id);
        instruments.QueueWait(job, time.GetUtcNow());
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var spec = job.Spec;
            // Resolved once, when the job was accepted; each image differs only in its seed.
            var requests = Enumerable.Range(0, spec.ImageCount).Select(spec.Image).ToList();
            // One row per job: its images share the prompt, and a row encoded alone is the same in any batch.
            var prepared = pipeline.Tokenize([spec.Request]);
            var prompts = simulated?.EncodePrompts(pipeline, prepared) ?? pipeline.EncodePrompts(prepared);
            var schedule = pipeline.Components.Scheduler.GetSchedule(spec.Request.Steps);
            // An edit starts from its image's latents on the schedule's tail (EditStart); a generation from noise.
            var edit = spec.Edit is null ? null : EditStart.Prepare(pipeline, spec, requests, schedule);
            var noise = edit?.Initial() ?? pipeline.InitialLatents(requests);                 // (n, C, h, w)
            _runs.Add(new JobRun(job, pipeline, requests, edit?.Schedule ?? schedule, prompts, noise, pipeline.LoadWarnings.Concat(prepared.Warnings).ToList())
            {
                // It has waited since it was submitted: a job queued while another group stepped goes first on a tie.
                WaitingSince = job.CreatedAt.UtcTicks,
                Edit = edit?.DetachFromDisposeScope(),
            });
            logger.LogInformation("Job {JobId} started on {ModelId} ({Sampler}): {Images} image(s) {Width}x{Height}, {Steps} steps", job.Id,
                spec.Model, spec.Request.Sampler.Name, spec.ImageCount, spec.Request.Width, spec.Request.Height, spec.Request.Steps);
        }
        catch (Exception ex)
        {
            Fail(job, JobErrorCode.EncodeError, $"Encoding the prompt failed: {ex.Message}", ex);
        }
    }

    /// <summary>The work (model passes × latent pixels) each running group has had, for fairness checks.</summary>
    internal IReadOnlyDictionary<StepGroup, long> GroupWork => _shares.Work;

    /// <summary>Ends canceled and overdue jobs, then advances the least-served group (see <see cref="DeviceShares{TGroup}"/>) by one step.</summary>
    public void StepNext()
    {
        DropEnded();
        if (_runs.Count == 0) return;
        var key = _shares.Next(_runs.Select(r => (r.Group, r.WaitingSince)).ToList());
        var group = _runs.Where(r => r.Group == key).ToList();
        var rows = group.SelectMany(r => Enumerable.Range(0, r.ImageCount).Select(k => new SampleRow(r, k))).ToList();

        var failed = new HashSet<JobRun>();
        using (instruments.StepActivity(group.Select(r => r.Job.Id), rows.Count, key))
            Step(key, rows, failed, padToMaxBatchSize ? Math.Max(maxBatchSize, rows.Count) : rows.Count);

        var now = time.GetUtcNow();
        foreach (var run in group)
        {
            if (failed.Contains(run))
            {
                Remove(run);
                continue;
            }
            run.Step++;
            run.WaitingSince = now.UtcTicks;
            run.Job.ReportProgress(run.Step, now);
            if (run.Previews is not null) Preview(run);
            if (run.Done) Retire(run);
        }
    }

    /// <summary>Ends every running job for the shutdown (the drain timeout passed).</summary>
    public void CancelAll()
    {
        foreach (var run in _runs.ToList())
        {
            EndForShutdown(run.Job, ShutdownRunningReason);
            Remove(run);
        }
    }

    /// <summary>Ends a job the shutdown leaves unfinished (a shared store's relay gives it back to the queue instead).</summary>
    public void EndForShutdown(Job job, string reason)
    {
        if (job.TryCancel(reason, time.GetUtcNow(), JobErrorCode.Shutdown)) instruments.Failure(JobErrorCode.Shutdown.Name());
    }

    public void Dispose()
    {
        foreach (var run in _runs) run.Dispose();
        _runs.Clear();
        simulated?.Dispose();
    }

    // One batched step of `rows` padded to `width` rows. On out-of-memory the rows are split in halves, each retried
    // at half the width, down to single rows.
    private void Step(StepGroup group, List<SampleRow> rows, HashSet<JobRun> failed, int width)
    {
        try
        {
            device.Execute(() => StepRows(group, rows, width));
        }
        catch (Exception ex) when (DeviceOutOfMemoryException.Matches(ex) && rows.Count > 1)
        {
            logger.LogWarning("Out of device memory with {Rows} rows; splitting the batch in two and retrying", rows.Count);
            instruments.Failure("out_of_memory_split");
            var half = rows.Count / 2;
            var halfWidth = (width + 1) / 2;
            Step(group, rows[..half], failed, Math.Max(halfWidth, half));
            Step(group, rows[half..], failed, Math.Max(halfWidth, rows.Count - half));
        }
        catch (Exception ex)
        {
            var (code, message) = Describe(ex, "denoising step");
            foreach (var run in rows.Select(r => r.Run).Distinct())
            {
                if (failed.Add(run)) Fail(run.Job, code, message, ex);
            }
        }
    }

    // The step always has `width` rows, padded with copies of the first: CPU and GPU kernels pick their blocking by
    // shape, so a row's result changes in the last bits with the batch size, but not with its neighbours or its
    // position. A fixed width (and FixedWidth, so that a reflective sampler's passes keep it too) makes every image
    // byte-identical whether its job ran alone or in a full batch.
    private void StepRows(StepGroup group, List<SampleRow> real, int width)
    {
        faults.Check(real.Select(r => r.Run.Job.Id).ToList());
        var rows = real.Concat(Enumerable.Repeat(real[0], width - real.Count)).ToList();
        var started = time.GetTimestamp();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var latents = cat(rows.Select(r => r.Run.Latent(r.Image)).ToArray(), 0);             // (B, C, h, w)
        var conditioning = new SamplingConditioning(
            new PromptEmbeddings(cat(rows.Select(r => r.Run.PromptHidden).ToArray(), 0),      // (B, T, D)
                cat(rows.Select(r => r.Run.PromptPooled).ToArray(), 0)),                      // (B, P)
            new PromptEmbeddings(cat(rows.Select(r => r.Run.NegativeHidden).ToArray(), 0),    // (B, T, D)
                cat(rows.Select(r => r.Run.NegativePooled).ToArray(), 0)),                    // (B, P)
            rows.Select(r => r.Run.Job.Spec.Request.Guidance).ToArray());
        var input = new SamplerStepInput(latents,
            rows.Select(r => r.Run.Schedule.Sigmas[r.Run.Step]).ToArray(),
            rows.Select(r => r.Run.Schedule.Sigmas[r.Run.Step + 1]).ToArray(),
            rows.Select(r => r.Run.Step).ToArray(),
            conditioning) { FixedWidth = padToMaxBatchSize };
        var result = simulated?.Step(input) ?? group.Pipeline.CreateSampler(group.Sampler).Step(input);
        var next = result.Latents;                                                             // (B, C, h, w)
        // Padding rows are work the device does too.
        var work = result.ModelPasses.Sum() * latents.shape[2] * latents.shape[3];
        _shares.Charge(group, work);
        _modelShares.Charge(real[0].Run.Job.Spec.Model, work);
        for (var i = 0; i < real.Count; i++)
        {
            var (run, image) = (real[i].Run, real[i].Image);
            var row = next.narrow(0, i, 1);                                                     // (1, C, h, w)
            if (run.Edit is { } edit) row = edit.AfterStep(row, run.Step, image);              // the inpainting blend
            // The preview's x̂0 from the blended row: in the kept region that is the image's own latent.
            run.Previews?.Capture(image, run.Step + 1, latents.narrow(0, i, 1), row, input.Sigma[i], input.SigmaNext[i]); // (1, C, h, w)
            run.ReplaceLatent(image, row.clone().DetachFromDisposeScope());                     // (1, C, h, w)
        }
        instruments.Step(real.Count, time.GetElapsedTime(started), group.Pipeline.ModelId, group.Sampler.Name);
    }

    // On the worker thread, between steps, only for a job that asked for partial images: its cost (a 1×1 convolution, an
    // upsample and the file's encoding per image) delays the next step of every group by that much, never more.
    private void Preview(JobRun run)
    {
        try
        {
            using (instruments.PhaseActivity("preview", run.Job.Id))
                run.Previews!.Publish(run.Job, run.Pipeline, run.Step, time.GetUtcNow());
        }
        catch (Exception ex)
        {
            // A preview is a courtesy: failing to draw one leaves the job running and its images as they would be.
            logger.LogWarning(ex, "Job {JobId}: drawing the preview after step {Step} failed", run.Job.Id, run.Step);
        }
    }

    private void Retire(JobRun run)
    {
        var job = run.Job;
        using var jobScope = logger.BeginJobScope(job.Id);
        try
        {
            var files = simulated?.Files(run.ImageCount) ?? DecodeFiles(run);
            job.AddWarnings(run.Warnings);
            publisher.Publish(job, files);
        }
        catch (Exception ex)
        {
            var (code, message) = Describe(ex, "decoding");
            Fail(job, code, message, ex);
        }
        Remove(run);
    }

    // The finished job's latents to image files, in the format it asked for, through the device's circuit breaker.
    private IReadOnlyList<byte[]> DecodeFiles(JobRun run)
    {
        var job = run.Job;
        IReadOnlyList<byte[]> files = [];
        device.Execute(() =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            // One image per decode: the VAE's convolutions round differently for other batch sizes, and an
            // image must not depend on how many siblings it has.
            Tensor images;
            using (instruments.PhaseActivity("decode", job.Id))
                images = cat(Enumerable.Range(0, run.ImageCount).Select(k => run.Pipeline.Decode(run.Latent(k))).ToArray(), 0); // (n, 3, H, W)
            using (instruments.PhaseActivity("encode_image", job.Id))
                files = ImageFileWriter.EncodeBatch(images, run.Requests.Select(r => run.Pipeline.Provenance(r) with { Batching = _batching }).ToList(),
                    job.Spec.Output);
        });
        return files;
    }

    private void DropEnded()
    {
        var now = time.GetUtcNow();
        foreach (var run in _runs.ToList())
        {
            var job = run.Job;
            if (job.CancelRequest is { } reason)
            {
                if (job.TryCancel(reason, now)) logger.LogInformation("Job {JobId} canceled at step {Step}: {Reason}", job.Id, run.Step, reason);
            }
            else if (job.IsOverdue(now))
            {
                Expire(job, now);
            }
            if (job.IsFinished) Remove(run);
        }
    }

    /// <summary>Ends a job whose deadline passed: canceled for a client's Cancel-After, failed for the service's timeout.</summary>
    public void Expire(Job job, DateTimeOffset now)
    {
        if (job.DeadlineFromClient) job.TryCancel("The client's Cancel-After deadline passed.", now);
        else if (job.TryFail(JobErrorCode.Timeout, "The job did not finish within the service's job timeout (Worker:JobTimeoutSeconds).", now))
            instruments.Failure(JobErrorCode.Timeout.Name());
    }

    private void Fail(Job job, JobErrorCode code, string message, Exception ex)
    {
        if (!job.TryFail(code, message, time.GetUtcNow())) return;
        instruments.Failure(code.Name());
        logger.LogError(ex, "Job {JobId} failed ({Cause}): {Message}", job.Id, code, message);
    }

    private static (JobErrorCode Code, string Message) Describe(Exception ex, string phase) => ex switch
    {
        BrokenCircuitException => (JobErrorCode.CircuitOpen, $"The device is failing repeatedly, so the {phase} was not attempted (circuit breaker open)."),
        _ when DeviceOutOfMemoryException.Matches(ex) => (JobErrorCode.OutOfMemory, $"The device ran out of memory in the {phase}, even for one image."),
        _ => (JobErrorCode.DeviceError, $"The {phase} failed: {ex.GetType().Name}: {ex.Message}"),
    };

    private void Remove(JobRun run)
    {
        _runs.Remove(run);
        run.Dispose();
    }
}
