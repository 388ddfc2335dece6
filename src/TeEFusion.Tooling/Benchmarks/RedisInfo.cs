using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// The counters of a redis-server's INFO that the fleet bench divides by the jobs it ran: commands, network bytes, CPU
/// seconds, memory. Read over a plain RESP connection (the tooling has no Redis client; two commands need none).
/// </summary>
public sealed record RedisInfo(long Commands, long InputBytes, long OutputBytes, double CpuSeconds, long UsedMemoryBytes)
{
    /// <summary>Parses INFO's `key:value` lines.</summary>
    public static RedisInfo Parse(string info)
    {
        var values = info.Split('\n', StringSplitOptions.TrimEntries)
            .Where(l => l.Length > 0 && l[0] != '#' && l.Contains(':', StringComparison.Ordinal))
            .Select(l => l.Split(':', 2))
            .GroupBy(p => p[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        double Number(string key) => values.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Redis INFO has no '{key}'.");
        return new((long)Number("total_commands_processed"), (long)Number("total_net_input_bytes"), (long)Number("total_net_output_bytes"),
            Number("used_cpu_sys") + Number("used_cpu_user"), (long)Number("used_memory"));
    }

    /// <summary>Sends INFO to <paramref name="endpoint"/> (host:port) and parses the answer.</summary>
    public static async Task<RedisInfo> ReadAsync(string endpoint, CancellationToken cancel) => Parse(await CommandAsync(endpoint, "INFO", cancel));

    /// <summary>Empties the server (FLUSHALL), so that a cell starts from the same memory as the last one.</summary>
    public static Task FlushAsync(string endpoint, CancellationToken cancel) => CommandAsync(endpoint, "FLUSHALL", cancel);

    // One command without arguments; the answer is a simple string (+OK) or a bulk string ($len\r\n…\r\n).
    private static async Task<string> CommandAsync(string endpoint, string command, CancellationToken cancel)
    {
        var address = endpoint.Split(',')[0];
        var split = address.LastIndexOf(':');
        var (host, port) = (address[..split], int.Parse(address[(split + 1)..], CultureInfo.InvariantCulture));
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancel);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"*1\r\n${command.Length}\r\n{command}\r\n"), cancel);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var head = await reader.ReadLineAsync(cancel) ?? throw new InvalidOperationException($"Redis closed the connection after {command}.");
        if (head.StartsWith('+')) return head[1..];
        if (!head.StartsWith('$')) throw new InvalidOperationException($"Redis answered {command} with '{head}'.");
        var length = int.Parse(head[1..], CultureInfo.InvariantCulture);
        var body = new char[length];
        var read = 0;
        // INFO is ASCII, so characters are bytes.
        while (read < length) read += await reader.ReadAsync(body.AsMemory(read, length - read), cancel);
        return new string(body);
    }
}
