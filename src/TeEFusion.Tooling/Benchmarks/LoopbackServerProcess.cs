using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>Starts a throwaway server as a child process and waits until it accepts connections on its 127.0.0.1 port.</summary>
internal static class LoopbackServerProcess
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The started process, listening on <paramref name="port"/>.</summary>
    /// <param name="name">What it is, for messages ("redis-server").</param>
    /// <param name="cannotRun">The message when the executable cannot be run at all (not installed): what to install.</param>
    /// <exception cref="InvalidOperationException">It could not be run, exited, or did not listen within 15 s (it is killed then).</exception>
    public static async Task<Process> StartAsync(ProcessStartInfo start, int port, string name, Func<string, string> cannotRun, CancellationToken cancel)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{start.FileName}'.");
        }
        catch (Win32Exception error)
        {
            throw new InvalidOperationException(cannotRun(error.Message), error);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!await ListensAsync(port, cancel))
        {
            if (process.HasExited || clock.Elapsed > StartTimeout)
            {
                Stop(process);
                throw new InvalidOperationException($"{name} did not start listening on 127.0.0.1:{port}.");
            }
            await Task.Delay(50, cancel);
        }
        return process;
    }

    /// <summary>Kills the process (and its children) and waits for it.</summary>
    public static void Stop(Process process)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        process.Dispose();
    }

    private static async Task<bool> ListensAsync(int port, CancellationToken cancel)
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
