using TeEFusion.Core.IO;

namespace TeEFusion.Cli.Commands;

/// <summary>
/// How the model commands end on an expected failure: one "error: …" line on stderr without a stack trace, and an exit
/// code that says whose fault it was (2 a bad option, 1 a model or file problem, 130 cancelled).
/// </summary>
internal static class CommandErrors
{
    public const int ModelError = 1;
    public const int UsageError = 2;
    public const int Cancelled = 130;

    /// <summary>Runs <paramref name="body"/>, turning the failures a user can cause into an error line and exit code.</summary>
    public static int Guard(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (ModelFormatException error)
        {
            stderr.WriteLine($"error: {error.Message}");
            return ModelError;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled.");
            return Cancelled;
        }
        catch (Exception error) when (error is ArgumentException or IOException or UnauthorizedAccessException or FormatException)
        {
            stderr.WriteLine($"error: {error.Message}");
            return error is ArgumentException ? UsageError : ModelError;
        }
    }
}
