using System.Text.RegularExpressions;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Deployment;

/// <summary>The final (runtime) stage of one of docker/'s Dockerfiles: its ENV, EXPOSE, HEALTHCHECK, USER and STOPSIGNAL.</summary>
public sealed partial class DockerfileStage
{
    private DockerfileStage(string file, IReadOnlyList<string> instructions)
    {
        File = file;
        Environment = instructions.Where(i => Keyword(i) == "ENV")
            .SelectMany(i => EnvPair().Matches(i[3..]))
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value.Trim('"'));
        Exposed = instructions.Where(i => Keyword(i) == "EXPOSE").SelectMany(i => i.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            .Select(p => int.Parse(p.Split('/')[0])).ToList();
        HealthCheck = instructions.LastOrDefault(i => Keyword(i) == "HEALTHCHECK");
        StopSignal = instructions.LastOrDefault(i => Keyword(i) == "STOPSIGNAL")?.Split(' ', 2)[1].Trim();
    }

    /// <summary>The Dockerfile's path from the repository root.</summary>
    public string File { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public IReadOnlyList<int> Exposed { get; }

    public string? HealthCheck { get; }

    public string? StopSignal { get; }

    /// <summary>Reads the stage after the last FROM of <paramref name="relative"/> (line continuations joined, comments dropped).</summary>
    public static DockerfileStage Read(string relative)
    {
        var joined = RepositoryFiles.Text(relative).Replace("\\\n", " ");
        var lines = joined.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var last = lines.FindLastIndex(l => Keyword(l) == "FROM");
        return new DockerfileStage(relative, lines.Skip(last).ToList());
    }

    public override string ToString() => File;

    private static string Keyword(string instruction) => instruction.Split(' ', 2)[0].ToUpperInvariant();

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    private static partial Regex EnvPair();
}
