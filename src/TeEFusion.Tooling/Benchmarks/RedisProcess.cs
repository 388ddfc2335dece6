using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

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
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory })
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{executable}'.");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException($"--redis-server: cannot run '{executable}' ({error.Message}); install redis-server or pass --redis host:port.", error);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisProcess(process, directory, port);
        var clock = Stopwatch.StartNew();
        while (!await ListensAsync(port, cancel))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                redis.Dispose();
                throw new InvalidOperationException($"redis-server did not start listening on 127.0.0.1:{port}.");
            }
            await Task.Delay(50, cancel);
        }
        return redis;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(10_000);
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>True once something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    internal static async Task<bool> ListensAsync(int port, CancellationToken cancel)
    {
        try
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, port, cancel);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
