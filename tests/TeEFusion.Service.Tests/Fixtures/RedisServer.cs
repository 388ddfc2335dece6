using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TeEFusion.Service.Tests.Fixtures;

/// <summary>
/// A real redis-server on a free loopback port, with no persistence and its own temp directory, killed on dispose.
/// <see cref="Stop"/> and <see cref="Start"/> take it down and bring it back on the same port (a Redis outage).
/// Without redis-server on PATH the constructor throws, so the Redis tests fail saying what to install (CI installs it).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "teefusion-redis-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    public RedisServer()
    {
        Directory.CreateDirectory(_directory);
        Port = FreePort();
        Start();
    }

    public int Port { get; }

    /// <summary>Short timeouts, so that an outage shows within a test's patience.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000";

    /// <summary>Settings for one replica using this server under <paramref name="prefix"/> (one prefix per test keeps tests apart).</summary>
    public (string Key, string? Value)[] ReplicaSettings(string prefix, int visibilityTimeoutSeconds = 30) =>
    [
        ("Jobs:Provider", "Redis"),
        ("Redis:ConnectionString", ConnectionString),
        ("Redis:KeyPrefix", prefix),
        ("Redis:VisibilityTimeoutSeconds", visibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Redis:PollMilliseconds", "200"),
        ("Redis:Retries", "1"),
    ];

    public void Start()
    {
        if (_process is { HasExited: false }) return;
        var start = new ProcessStartInfo(FindOnPath("redis-server"))
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", _directory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!Answers())
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}.");
            if (clock.Elapsed > StartTimeout) throw new TimeoutException($"redis-server did not listen on port {Port} within {StartTimeout}.");
            Thread.Sleep(20);
        }
    }

    /// <summary>Kills the server (no shutdown handshake: clients see the connection drop).</summary>
    public void Stop()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static string FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            $"{name} is not installed or not on PATH; the Redis tests need a real server. Install it (Debian: apt-get install -y redis-server); .ci/run does.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            return stream.Read(buffer) > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
