namespace TeEFusion.Service.Jobs;

/// <summary>Why a submission was not taken; nothing was stored for any of these.</summary>
public enum SubmissionRefusal
{
    /// <summary>The service is draining for shutdown.</summary>
    Draining,

    /// <summary>The model is not loaded (still loading, or loading failed).</summary>
    ModelUnavailable,

    /// <summary>No model is served under the id the request names.</summary>
    UnknownModel,

    /// <summary>The idempotency key was seen with a different request.</summary>
    KeyReused,

    /// <summary>Every queue place is taken (or the queue closed for shutdown).</summary>
    QueueFull,
}
