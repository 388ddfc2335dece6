using System.CommandLine;

namespace TeEFusion.Cli.Tests;

/// <summary>What one in-process command invocation returned and printed.</summary>
internal sealed record CliInvocation(int Exit, string Output, string Error)
{
    /// <summary>
    /// Parses and invokes <paramref name="args"/> on <paramref name="command"/> with stdout and stderr captured. The
    /// commands write to <see cref="Console"/> directly, so callers must not run in parallel (Sequential collection).
    /// </summary>
    public static CliInvocation Run(Command command, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = command.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
            return new CliInvocation(exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }

    /// <summary>True when stderr shows a .NET stack trace ("   at Namespace.Type.Method(...)").</summary>
    public bool HasStackTrace => Error.Contains("   at ", StringComparison.Ordinal) || Output.Contains("   at ", StringComparison.Ordinal);
}
