using System.Text;
using System.Text.RegularExpressions;

namespace TeEFusion.Tests.Shared;

/// <summary>
/// The commands in a Markdown file's ```bash blocks, split the way a POSIX shell splits them for what READMEs use:
/// quotes, backslash-newline continuations, comments, `&&`, `||`, `;`, pipes and output redirections.
/// </summary>
public static partial class MarkdownShellBlocks
{
    /// <summary>Every simple command of every bash block of <paramref name="markdown"/>, in order.</summary>
    public static IReadOnlyList<ShellCommand> Commands(string markdown)
    {
        var commands = new List<ShellCommand>();
        foreach (Match block in BashBlock().Matches(markdown.Replace("\r\n", "\n")))
        {
            foreach (var line in block.Groups["body"].Value.Replace("\\\n", " ").Split('\n'))
                commands.AddRange(Split(line));
        }
        return commands;
    }

    private static IEnumerable<ShellCommand> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var redirect = false;
        ShellCommand? pipedFrom = null;
        var result = new List<ShellCommand>();

        void EndWord()
        {
            if (!inWord) return;
            if (redirect) redirect = false;
            else words.Add(word.ToString());
            word.Clear();
            inWord = false;
        }

        ShellCommand? EndCommand()
        {
            EndWord();
            if (words.Count == 0) return null;
            var command = new ShellCommand(words.ToList(), pipedFrom, line.Trim());
            result.Add(command);
            words.Clear();
            return command;
        }

        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\'' || c == '"')
            {
                var end = line.IndexOf(c, i + 1);
                if (end < 0) throw new FormatException($"Unterminated {c} quote in: {line}");
                word.Append(line, i + 1, end - i - 1);
                inWord = true;
                i = end;
            }
            else if (char.IsWhiteSpace(c)) EndWord();
            else if (c == '#' && !inWord) break;
            else if (c == '>') { EndWord(); redirect = true; if (i + 1 < line.Length && line[i + 1] == '>') i++; }
            else if (c == '|' && i + 1 < line.Length && line[i + 1] == '|') { EndCommand(); pipedFrom = null; i++; }
            else if (c == '|') pipedFrom = EndCommand();
            else if (c == '&' && i + 1 < line.Length && line[i + 1] == '&') { EndCommand(); pipedFrom = null; i++; }
            else if (c == ';') { EndCommand(); pipedFrom = null; }
            else { word.Append(c); inWord = true; }
        }
        EndCommand();
        return result;
    }

    [GeneratedRegex(@"^```(?:bash|sh|shell)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
