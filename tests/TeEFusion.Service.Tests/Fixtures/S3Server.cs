using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Service.Tests.Fixtures;

/// <summary>
/// A real S3-compatible server (s3rver, see <see cref="S3rverProcess"/>) on a free loopback port, with one bucket and its
/// own temp directory, killed on dispose. <see cref="Stop"/> and <see cref="Start"/> take it down and bring it back on the
/// same port with the same objects (an outage). The first start installs s3rver (`npm ci` in tests/s3); without Node.js and npm the
/// constructor throws, saying so.
/// </summary>
public sealed class S3Server : IDisposable
{
    public const string Bucket = "teefusion-images";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "teefusion-s3-" + Guid.NewGuid().ToString("N"));
    private S3rverProcess? _process;

    public S3Server()
    {
        Directory.CreateDirectory(_directory);
        Port = RedisServer.FreePort();
        Start();
    }

    public int Port { get; }

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Settings for a replica storing images here under <paramref name="prefix"/>/ (one prefix per test keeps tests apart).</summary>
    public (string Key, string? Value)[] ReplicaSettings(string prefix) =>
        S3rverProcess.Settings(ServiceUrl, Bucket, prefix + "/").Select(s => (s.Key, (string?)s.Value)).ToArray();

    /// <summary>The service's options for the same store, for tests that call a store directly.</summary>
    public TeEFusion.Service.Options.S3ImageStoreOptions StoreOptions(string prefix) => new()
    {
        ServiceUrl = ServiceUrl,
        Bucket = Bucket,
        AccessKey = S3rverProcess.AccessKey,
        SecretKey = S3rverProcess.AccessKey,
        KeyPrefix = prefix + "/",
    };

    public void Start() => _process ??= S3rverProcess.StartAsync(RepositoryFiles.Path(S3rverProcess.DefaultScript), _directory, Port, Bucket,
        CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Kills the server: clients see connections refused until <see cref="Start"/>.</summary>
    public void Stop()
    {
        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
