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
    public IEnumerable<(string Key, string Value)> Settings(string bucket, string keyPrefix) => Settings(ServiceUrl, bucket, keyPrefix);

    /// <summary>The same for an s3rver at <paramref name="serviceUrl"/> (one that may be stopped for the moment).</summary>
    public static IEnumerable<(string Key, string Value)> Settings(string serviceUrl, string bucket, string keyPrefix) =>
    [
        ("ImageStore:Provider", "S3"),
        ("ImageStore:S3:ServiceUrl", serviceUrl),
        ("ImageStore:S3:Bucket", bucket),
        ("ImageStore:S3:AccessKey", AccessKey),
        ("ImageStore:S3:SecretKey", AccessKey),
        ("ImageStore:S3:KeyPrefix", keyPrefix),
    ];

    /// <exception cref="InvalidOperationException">node is missing, the script is missing and npm could not install it, the server
    /// exited, or did not listen within 15 s.</exception>
    public static async Task<S3rverProcess> StartAsync(string script, string directory, int port, string bucket, CancellationToken cancel)
    {
        await EnsureInstalledAsync(script, cancel);
        var start = new ProcessStartInfo("node");
        foreach (var argument in new[] { script, "-d", directory, "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--silent",
                     "--configure-bucket", bucket })
            start.ArgumentList.Add(argument);
        var process = await LoopbackServerProcess.StartAsync(start, port, "s3rver",
            error => $"Cannot run node ({error}); s3rver needs Node.js (Debian: apt-get install -y nodejs npm).", cancel);
        return new S3rverProcess(process, port);
    }

    public void Dispose() => LoopbackServerProcess.Stop(_process);

    private static readonly SemaphoreSlim Installing = new(1, 1);

    // The README's test command is all a newcomer runs: the first server started installs the locked package (npm ci in
    // the folder that holds node_modules), so the tests need Node.js and npm but no step of their own. One install at a
    // time: test classes start servers in parallel.
    private static async Task EnsureInstalledAsync(string script, CancellationToken cancel)
    {
        if (File.Exists(script)) return;
        var package = PackageFolder(script);
        await Installing.WaitAsync(cancel);
        try
        {
            if (File.Exists(script)) return;
            var npm = new ProcessStartInfo("npm") { WorkingDirectory = package, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }) npm.ArgumentList.Add(argument);
            string error;
            int exit;
            try
            {
                using var process = Process.Start(npm)!;
                var output = process.StandardOutput.ReadToEndAsync(cancel);
                error = await process.StandardError.ReadToEndAsync(cancel);
                await output;
                await process.WaitForExitAsync(cancel);
                exit = process.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException($"s3rver is not installed at '{script}' and npm cannot run ({ex.Message}); install Node.js and npm " +
                    "(Debian: apt-get install -y nodejs npm), or run `npm ci` in tests/s3.", ex);
            }
            if (exit != 0 || !File.Exists(script))
                throw new InvalidOperationException($"`npm ci` in '{package}' did not install s3rver at '{script}' (exit {exit}): {error.Trim()}");
        }
        finally
        {
            Installing.Release();
        }
    }

    // script is PACKAGE/node_modules/s3rver/bin/s3rver.js.
    private static string PackageFolder(string script)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(script));
        while (folder is not null && Path.GetFileName(folder) != "node_modules") folder = Path.GetDirectoryName(folder);
        return Path.GetDirectoryName(folder) ?? throw new InvalidOperationException($"'{script}' is not inside a node_modules folder.");
    }
}
