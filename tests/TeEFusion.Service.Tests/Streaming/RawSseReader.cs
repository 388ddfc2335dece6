using System.Text;

namespace TeEFusion.Service.Tests.Streaming;

/// <summary>One server-sent event as it came over the wire.</summary>
public sealed record RawSseEvent(string? Event, string Data);

/// <summary>
/// A plain SSE client: reads a text/event-stream line by line as the WHATWG rules (and OpenAI's SDKs) do, keeping each
/// event's name and data and counting comment lines, and checks the framing OpenAI uses (one event and one data line).
/// </summary>
public static class RawSseReader
{
    public static async Task<(List<RawSseEvent> Events, int Comments)> ReadAsync(Stream body, CancellationToken cancellation)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        var events = new List<RawSseEvent>();
        var comments = 0;
        string? name = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null || data.Count > 0)
                {
                    Assert.True(data.Count == 1, $"event {name} has {data.Count} data lines");
                    events.Add(new RawSseEvent(name, data[0]));
                }
                (name, data) = (null, []);
            }
            else if (line.StartsWith(':')) comments++;
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Add(line["data: ".Length..]);
            else Assert.Fail($"unexpected SSE line: {line}");
        }
        Assert.True(name is null && data.Count == 0, "the stream ended inside an event");
        return (events, comments);
    }
}
