using Microsoft.AspNetCore.Http.HttpResults;

namespace TeEFusion.Service.Jobs;

/// <summary>The outcome of a submission: a queued (or replayed) job, or the problem to answer with.</summary>
public sealed record Submission(JobStatus? Job, bool Replayed, ValidationProblem? Invalid, ProblemHttpResult? Problem);
