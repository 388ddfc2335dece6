using System.Diagnostics;
using System.Globalization;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// s3rver (an S3-compatible server in Node.js, installed by `npm ci` in tests/s3) as a child process on a 127.0.0.1 port,
/// keeping its objects in a given directory and creating one bucket at start: the S3 image store's real counterpart for
/// the tests and `bench jobstore --image-store s3`. It accepts s3rver's fixed credentials (<see cref="AccessKey"/>) and
/// checks their signatures, pre-signed URLs included. Disposing kills it; the directory stays with its owner.
/// </summary>
public sealed class S3rverProcess : IDisposable
{
    /// <summary>s3rver's built-in access key id; the secret key is the same.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>Where `npm ci` in tests/s3 installs the server, from the repository root.</summary>
    public const string DefaultScript = "tests/s3/node_modules/s3rver/bin/s3rver.js";

    private readonly Process _process;

    private S3rverProcess(Process process, int port)
    {
        _process = process;
        ServiceUrl = $"http://127.0.0.1:{port}";
    }

    /// <summary>What the service's ImageStore:S3:ServiceUrl gets.</summary>
    public string ServiceUrl { get; }

    /// <summary>The service's settings for an S3 image store in <paramref name="bucket"/> on this server.</summary>
    public IEnumerable<(string Key, string Value)> Settings(string bucket, string keyPrefix) =>
    [
        ("ImageStore:Provider", "S3"),
        ("ImageStore:S3:ServiceUrl", ServiceUrl),
        ("ImageStore:S3:Bucket", bucket),
        ("ImageStore:S3:AccessKey", AccessKey),
        ("ImageStore:S3:SecretKey", AccessKey),
        ("ImageStore:S3:KeyPrefix", keyPrefix),
    ];

    /// <exception cref="InvalidOperationException">node or the script is missing, the server exited, or did not listen within 15 s.</exception>
    public static async Task<S3rverProcess> StartAsync(string script, string directory, int port, string bucket, CancellationToken cancel)
    {
        if (!File.Exists(script))
            throw new InvalidOperationException($"s3rver is not installed at '{script}': run `npm ci` in tests/s3 (.ci/run does).");
        var start = new ProcessStartInfo("node");
        foreach (var argument in new[] { script, "-d", directory, "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--silent",
                     "--configure-bucket", bucket })
            start.ArgumentList.Add(argument);
        var process = await LoopbackServerProcess.StartAsync(start, port, "s3rver",
            error => $"Cannot run node ({error}); s3rver needs Node.js (Debian: apt-get install -y nodejs npm).", cancel);
        return new S3rverProcess(process, port);
    }

    public void Dispose() => LoopbackServerProcess.Stop(_process);
}
