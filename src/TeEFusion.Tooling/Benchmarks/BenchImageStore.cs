namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// The image store `bench jobstore --image-store` gives the services: nothing for memory, a temp directory for
/// filesystem, a throwaway s3rver for s3. Disposing stops the server and deletes what was stored.
/// </summary>
public sealed class BenchImageStore : IDisposable
{
    private const string Bucket = "teefusion-bench";
    private readonly string _kind;
    private readonly string? _directory;
    private readonly S3rverProcess? _s3;

    private BenchImageStore(string kind, string? directory, S3rverProcess? s3)
    {
        _kind = kind;
        _directory = directory;
        _s3 = s3;
    }

    /// <exception cref="InvalidOperationException">s3rver is not installed or did not start.</exception>
    public static async Task<BenchImageStore> StartAsync(JobStoreBenchSettings settings, CancellationToken cancel)
    {
        if (settings.ImageStore == "memory") return new BenchImageStore("memory", null, null);
        var directory = Directory.CreateTempSubdirectory("teefusion-bench-images-").FullName;
        try
        {
            var s3 = settings.ImageStore == "s3"
                ? await S3rverProcess.StartAsync(settings.S3rver, directory, ServiceProcess.FreePort(), Bucket, cancel)
                : null;
            return new BenchImageStore(settings.ImageStore, directory, s3);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>The service's ImageStore settings, with the objects of one cell under <paramref name="prefix"/>.</summary>
    public IEnumerable<(string Key, string Value)> Settings(string prefix) => _kind switch
    {
        "filesystem" => [("ImageStore:Provider", "FileSystem"), ("ImageStore:Path", Path.Combine(_directory!, prefix))],
        "s3" => _s3!.Settings(Bucket, prefix + "/"),
        _ => [("ImageStore:Provider", "Memory")],
    };

    public void Dispose()
    {
        _s3?.Dispose();
        if (_directory is not null) Directory.Delete(_directory, recursive: true);
    }
}
