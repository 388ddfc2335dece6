namespace TeEFusion.Tooling.Benchmarks;

/// <summary>The range checks and message clean-up that the benchmark settings share.</summary>
internal static class OptionErrors
{
    public static void AtLeast(string option, int value, int minimum)
    {
        if (value < minimum) throw new ArgumentException($"{option} is {value}; it must be at least {minimum}.");
    }

    /// <summary>Rethrows <paramref name="error"/>'s message behind the option's name.</summary>
    public static ArgumentException Named(string option, ArgumentException error) => new($"{option}: {Strip(error)}", error);

    // ArgumentException appends " (Parameter 'x')" to its message; the option name already says which.
    private static string Strip(ArgumentException error) =>
        error.ParamName is null ? error.Message : error.Message.Replace($" (Parameter '{error.ParamName}')", "", StringComparison.Ordinal);
}
