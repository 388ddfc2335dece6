using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// The real TeEFusion service started as a child process on a free 127.0.0.1 port (loopback only), so its resident memory
/// is its own and its requests cross a real HTTP socket. Disposing stops the process.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private const int KeptOutputLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        // A bench stopped by SIGTERM or Ctrl+C must not leave its service running (best effort: a SIGTERM test still left it running).
        AppDomain.CurrentDomain.ProcessExit += OnExit;
        Console.CancelKeyPress += OnExit;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    /// <summary>
    /// Starts the service with <paramref name="configuration"/> as `--Key value` overrides and waits until /health/ready
    /// answers 200 (model loaded, worker running), at most <paramref name="startTimeout"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process exited or did not become ready in time; the message quotes its last output.</exception>
    public static async Task<ServiceProcess> StartAsync(string dll, IReadOnlyDictionary<string, string> configuration, TimeSpan startTimeout,
        CancellationToken cancel = default)
    {
        if (!File.Exists(dll)) throw new ArgumentException($"--service-dll: '{dll}' does not exist (build src/TeEFusion.Service first).");
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.GetFullPath(dll), "--urls", address.ToString().TrimEnd('/') }) start.ArgumentList.Add(argument);
        foreach (var (key, value) in configuration)
        {
            start.ArgumentList.Add($"--{key}");
            start.ArgumentList.Add(value);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{start.FileName} {dll}'.");
        var service = new ServiceProcess(process, address);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await service.WaitReadyAsync(startTimeout, cancel);
            return service;
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>The service process's resident set in MiB (VmRSS of /proc/&lt;pid&gt;/status), or null off Linux.</summary>
    public double? ResidentMib()
    {
        var status = $"/proc/{_process.Id}/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = line?["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return long.TryParse(kib, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value / 1024.0 : null;
    }

    /// <summary>CPU time the service process has used so far (all its threads).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>The last lines the service printed, for error messages.</summary>
    public string OutputTail()
    {
        lock (_output) return string.Join(Environment.NewLine, _output);
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        Console.CancelKeyPress -= OnExit;
        Stop();
        _process.Dispose();
    }

    private void OnExit(object? sender, EventArgs e) => Stop();

    private void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptOutputLines) _output.Dequeue();
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancel)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The service exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{OutputTail()}");
            try
            {
                using var response = await client.GetAsync("/health/ready", cancel);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception error) when (error is HttpRequestException || (error is TaskCanceledException && !cancel.IsCancellationRequested))
            {
                // Not listening yet.
            }
            await Task.Delay(200, cancel);
        }
        throw new InvalidOperationException($"The service was not ready after {timeout.TotalSeconds:F0} s:{Environment.NewLine}{OutputTail()}");
    }

    /// <summary>A free loopback port: port 0 lets the OS choose; the listener is closed at once so a child process can bind it.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
