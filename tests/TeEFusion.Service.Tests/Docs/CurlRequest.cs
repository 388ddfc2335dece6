using TeEFusion.Tests.Shared;

namespace TeEFusion.Service.Tests.Docs;

/// <summary>What a README curl command asks for: method, URL, headers and body, plus any option this reading does not know.</summary>
public sealed record CurlRequest(string Method, string Url, IReadOnlyList<(string Name, string Value)> Headers, string? Body,
    IReadOnlyList<string> UnknownOptions)
{
    /// <summary>The multipart form fields (-F name=value, or name=@file for a file), in order.</summary>
    public IReadOnlyList<(string Name, string Value)> Form { get; init; } = [];

    /// <summary>Reads the options READMEs use (-s -S -f -N -i -o -X -H -d -F); curl's rule applies: a body or a form without -X is a POST.</summary>
    public static CurlRequest Parse(ShellCommand command)
    {
        string? method = null, body = null;
        var url = "";
        var headers = new List<(string, string)>();
        var unknown = new List<string>();
        var form = new List<(string, string)>();
        for (var i = 1; i < command.Words.Count; i++)
        {
            switch (command.Words[i])
            {
                case "-s" or "-S" or "-f" or "-N" or "-i": break;
                case "-o": i++; break;
                case "-X": method = command.Words[++i]; break;
                case "-H":
                    var header = command.Words[++i].Split(':', 2);
                    headers.Add((header[0].Trim(), header.Length > 1 ? header[1].Trim() : ""));
                    break;
                case "-d": body = command.Words[++i]; break;
                case "-F":
                    var field = command.Words[++i].Split('=', 2);
                    form.Add((field[0], field.Length > 1 ? field[1] : ""));
                    break;
                case var word when word.StartsWith("http", StringComparison.Ordinal): url = word; break;
                case var word: unknown.Add(word); break;
            }
        }
        return new CurlRequest(method ?? (body is null && form.Count == 0 ? "GET" : "POST"), url, headers, body, unknown) { Form = form };
    }
}
