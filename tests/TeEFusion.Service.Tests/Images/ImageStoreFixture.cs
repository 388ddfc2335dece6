using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Tests.Redis;

namespace TeEFusion.Service.Tests.Images;

/// <summary>The tiny model, one redis-server and one s3rver, shared by a test class; replicas start on them through <see cref="Replicas"/>.</summary>
public sealed class ImageStoreFixture : IDisposable
{
    public RedisReplicas Replicas { get; } = new();

    public S3Server S3 { get; } = new();

    public void Dispose()
    {
        S3.Dispose();
        Replicas.Dispose();
    }
}
