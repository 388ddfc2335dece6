using System.Diagnostics;
using System.Globalization;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// A throwaway redis-server for `bench jobstore`, as a child process on a free 127.0.0.1 port without persistence (the
/// same way the tests run one). Disposing kills it and deletes its directory.
/// </summary>
public sealed class RedisProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private RedisProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        ConnectionString = $"127.0.0.1:{port}";
    }

    /// <summary>What the service's Redis:ConnectionString gets.</summary>
    public string ConnectionString { get; }

    /// <exception cref="InvalidOperationException">redis-server is not installed, exited, or did not listen within 15 s.</exception>
    public static async Task<RedisProcess> StartAsync(string executable, CancellationToken cancel)
    {
        var port = ServiceProcess.FreePort();
        var directory = Directory.CreateTempSubdirectory("teefusion-bench-redis-").FullName;
        var start = new ProcessStartInfo(executable);
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory })
            start.ArgumentList.Add(argument);
        try
        {
            var process = await LoopbackServerProcess.StartAsync(start, port, "redis-server",
                error => $"--redis-server: cannot run '{executable}' ({error}); install redis-server or pass --redis host:port.", cancel);
            return new RedisProcess(process, directory, port);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        LoopbackServerProcess.Stop(_process);
        Directory.Delete(_directory, recursive: true);
    }
}
