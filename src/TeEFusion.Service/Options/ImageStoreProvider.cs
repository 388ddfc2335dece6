namespace TeEFusion.Service.Options;

/// <summary>Where a finished job's image files are kept.</summary>
public enum ImageStoreProvider
{
    /// <summary>With the job in its job store: this process's memory in process, the job's keys in Redis with the Redis provider.</summary>
    Memory,

    /// <summary>Files under ImageStore:Path, a directory every replica mounts (a Kubernetes volume).</summary>
    FileSystem,

    /// <summary>An S3-compatible bucket (AWS, MinIO, Ceph, R2).</summary>
    S3,
}
