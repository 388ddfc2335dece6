using static TeEFusion.Tooling.Benchmarks.OptionErrors;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What `teefusion bench service models` runs against one service process started with its default configuration, which
/// serves the bundled student and its teacher: per concurrency, a cell with both models under load at once (the
/// target), and, for reference, a cell for each model alone. Every cell is repeated <see cref="Rounds"/> times.
/// </summary>
public sealed record ServiceModelsBenchSettings : ServiceClientBenchSettings
{
    // A caption the bundled model was trained on (its tokenizer knows only the caption words), at its default guidance.
    public ServiceModelsBenchSettings()
    {
        Prompt = "a small red circle at the top left on a blue background";
        Guidance = 2.0;
    }

    /// <summary>Clients per model: a together cell at concurrency c has c student and c teacher clients.</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 4, 16];

    /// <summary>Answers per model that close a cell's window in each round; the faster model keeps sending until the slower has its own.</summary>
    public int Requests { get; init; } = 32;

    /// <summary>Passes over every cell: odd rounds go through the concurrencies backwards; each cell's rows pool all rounds.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>Untimed requests per model after the start, all sent at once (so batches up to this width are warm too).</summary>
    public int Warmup { get; init; } = 4;

    /// <summary>Time limit of one cell in one round.</summary>
    public int CellSeconds { get; init; } = 300;

    /// <summary>Also run each model alone at each concurrency (what each model costs without the other's jobs).</summary>
    public bool Alone { get; init; } = true;

    // The ids and samplers of the bundled pair the service serves when no model is configured.
    public string StudentModel { get; init; } = "tiny-shapes";
    public string StudentSampler { get; init; } = "student";
    public string TeacherModel { get; init; } = "tiny-shapes-teacher";
    public string TeacherSampler { get; init; } = "euler-cfg";

    /// <summary>Throws <see cref="ArgumentException"/> naming the option, before anything is started or written.</summary>
    public void Validate()
    {
        ValidateRequest();
        AtLeast("--requests", Requests, 1);
        AtLeast("--rounds", Rounds, 1);
        AtLeast("--warmup", Warmup, 0);
        AtLeast("--cell-seconds", CellSeconds, 1);
        if (Concurrency.Count == 0) throw new ArgumentException("--concurrency needs at least one value.");
        foreach (var c in Concurrency) AtLeast("--concurrency", c, 1);
    }
}
