namespace TeEFusion.Tests.Shared;

/// <summary>
/// One simple command of a README shell block: its words with the quotes removed (variables are not expanded), the
/// command it reads from when it stands after a pipe, and the line it came from (for messages).
/// </summary>
public sealed record ShellCommand(IReadOnlyList<string> Words, ShellCommand? PipedFrom, string Line)
{
    public string Program => Words[0];

    /// <summary>The words after <paramref name="separator"/> (e.g. "--" for a dotnet run's program arguments); empty when absent.</summary>
    public IReadOnlyList<string> After(string separator)
    {
        var index = Words.ToList().IndexOf(separator);
        return index < 0 ? [] : Words.Skip(index + 1).ToList();
    }

    /// <summary>The value following <paramref name="option"/> (e.g. "--project"), or null.</summary>
    public string? Option(string option)
    {
        var index = Words.ToList().IndexOf(option);
        return index >= 0 && index + 1 < Words.Count ? Words[index + 1] : null;
    }

    public override string ToString() => Line;
}
