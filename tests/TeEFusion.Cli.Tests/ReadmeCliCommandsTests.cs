using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using TeEFusion.Cli.Commands;
using TeEFusion.Tests.Shared;

namespace TeEFusion.Cli.Tests;

/// <summary>
/// The command-line documentation of the README and docs/ against the CLI's own parser: every
/// `dotnet run --project src/TeEFusion.Cli` command and every run of the built `teefusion` in their shell blocks parses
/// without errors, and every command and option of a `teefusion …` table row exists. (The other commands are checked in
/// TeEFusion.Service.Tests, ReadmeCommandsTests, which also holds the built CLI's path to the build.)
/// </summary>
public sealed partial class ReadmeCliCommandsTests
{
    [Fact]
    public void Every_cli_command_in_the_docs_shell_blocks_parses()
    {
        var root = Root();
        var cli = DocumentationPages.Commands.Select(c => (c.Page, c.Command, Arguments: CliArguments(c.Command))).Where(c => c.Arguments is not null).ToList();

        Assert.True(cli.Count >= 5, $"only {cli.Count} CLI commands found in the docs' shell blocks");
        Assert.Contains(cli, c => c.Command.Program != "dotnet");
        foreach (var (page, command, arguments) in cli)
        {
            var errors = root.Parse(arguments!.ToArray()).Errors;
            Assert.True(errors.Count == 0, $"{page}: {command}: {string.Join("; ", errors.Select(e => e.Message))}");
        }
    }

    [Fact]
    public void Every_command_and_option_of_the_readme_s_command_table_exists()
    {
        var root = Root();
        // Markdown tables escape the alternatives bar as \|.
        var rows = DocumentationPages.Paths.SelectMany(page => TableCommand().Matches(RepositoryRoot.ReadText(page))).Select(m => m.Groups["synopsis"].Value.Replace("\\|", "|")).ToList();

        Assert.True(rows.Count >= 5, $"only {rows.Count} rows of `teefusion …` found");
        foreach (var synopsis in rows)
        {
            var words = synopsis.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var path = words.TakeWhile(w => !w.StartsWith('-') && !w.StartsWith('[') && !w.StartsWith('<')).ToList();
            foreach (var command in Resolve(root, path, synopsis))
            {
                var options = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
                foreach (Match option in OptionName().Matches(synopsis))
                    Assert.True(options.Contains(option.Value), $"`{synopsis}`: {command.Name} has no option {option.Value}");
            }
        }
    }

    [Fact]
    public void The_commands_the_tests_parse_with_are_the_ones_the_program_registers()
    {
        var program = RepositoryRoot.ReadText("src/TeEFusion.Cli/Program.cs");
        var registered = RegisteredFactory().Matches(program).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Equal(registered.Order(), CommandFactories().Select(t => t.Name).Order());
    }

    // The CLI's own arguments: after `--` of `dotnet run --project src/TeEFusion.Cli`, or after the built executable; null for other commands.
    private static IReadOnlyList<string>? CliArguments(ShellCommand command) =>
        command.Option("--project") == "src/TeEFusion.Cli" ? command.After("--")
        : command.Program.StartsWith("src/TeEFusion.Cli/bin/", StringComparison.Ordinal) && command.Program.EndsWith("/teefusion", StringComparison.Ordinal) ? command.Words.Skip(1).ToList()
        : null;

    // "teefusion bench transformer|generate|service": each alternative of each word is a subcommand of the one before.
    private static IEnumerable<Command> Resolve(Command root, IReadOnlyList<string> path, string synopsis)
    {
        Assert.Equal("teefusion", path[0]);
        IEnumerable<Command> current = [root];
        foreach (var word in path.Skip(1))
        {
            current = current.SelectMany(parent => word.Split('|').Select(name =>
                parent.Subcommands.FirstOrDefault(c => c.Name == name)
                ?? throw new Xunit.Sdk.XunitException($"`{synopsis}`: '{parent.Name}' has no subcommand '{name}'"))).ToList();
        }
        return current;
    }

    private static IEnumerable<Type> CommandFactories() => typeof(GenerateCommand).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(GenerateCommand).Namespace && t.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes)?.ReturnType == typeof(Command));

    private static RootCommand Root()
    {
        var root = new RootCommand();
        foreach (var factory in CommandFactories()) root.Subcommands.Add((Command)factory.GetMethod("Create", Type.EmptyTypes)!.Invoke(null, null)!);
        return root;
    }

    [GeneratedRegex(@"^\| `(?<synopsis>teefusion [^`]*)` \|", RegexOptions.Multiline)]
    private static partial Regex TableCommand();

    [GeneratedRegex(@"--[a-z][a-z0-9-]*")]
    private static partial Regex OptionName();

    [GeneratedRegex(@"(\w+Command)\.Create\(\)")]
    private static partial Regex RegisteredFactory();
}
