namespace TeEFusion.Service.Jobs;

/// <summary>
/// Why a job did not succeed: machine-readable in the job's JSON (<c>error.code</c>, snake_case), in the failure metric's
/// cause tag and in the shared store. What each one answers over HTTP is <see cref="JobErrorCodes"/>' table.
/// </summary>
public enum JobErrorCode
{
    /// <summary>The job did not finish within Worker:JobTimeoutSeconds.</summary>
    Timeout,

    /// <summary>The device kept failing, so the circuit breaker refused the work.</summary>
    CircuitOpen,

    /// <summary>The device ran out of memory even for one image.</summary>
    OutOfMemory,

    /// <summary>The job's model is not served by the replica that took it (a shared queue across differently configured replicas).</summary>
    ModelUnavailable,

    /// <summary>Tokenizing or encoding the prompt failed.</summary>
    EncodeError,

    /// <summary>A denoising step or the decode failed.</summary>
    DeviceError,

    /// <summary>The client canceled it (DELETE, Cancel-After, a disconnect) or the replica lost its lease.</summary>
    Canceled,

    /// <summary>The service stopped before the job could finish.</summary>
    Shutdown,

    /// <summary>The images were made but could not be put in the image store (ImageStore:Provider FileSystem or S3), even after retries.</summary>
    ImageStoreUnavailable,
}
