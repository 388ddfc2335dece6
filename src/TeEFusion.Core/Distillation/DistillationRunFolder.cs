using System.Globalization;
using System.Text.Json;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// The layout and markers of one distillation run's folder, the only place that knows them:
/// <c>run.json</c> (the plan a restart resumes), <c>checkpoint-NNNNNNN/</c> (complete once it holds
/// <see cref="CheckpointStateFile"/>), <c>transformer/</c> (the final student), <c>model/</c> (the student as a complete
/// diffusers folder), <c>loss.svg</c> (the CLI's picture of the run, <see cref="LossCurveSvg"/>) and <c>ended.json</c> (the marker that the run ended, and how). A run has ended when the marker says
/// so, whatever else the folder holds.
/// </summary>
public sealed class DistillationRunFolder(string root)
{
    /// <summary>The file in a checkpoint folder that is written last; a checkpoint without it is incomplete.</summary>
    public const string CheckpointStateFile = "run_state.json";

    private const string PlanFileName = "run.json";
    private const string EndFileName = "ended.json";
    private const string LossCurveFileName = "loss.svg";
    private const string CheckpointPrefix = "checkpoint-";
    private const string PartialSuffix = ".partial";

    // The plan is the admin API's request, written in the web defaults (camelCase) since the first release; kept so that
    // run.json files written before stay readable.
    private static readonly JsonSerializerOptions PlanJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The run's id: the folder's name.</summary>
    public string Name => Path.GetFileName(Root);

    /// <summary>The final student's transformer folder, written when the run succeeds.</summary>
    public string TransformerDirectory => Path.Combine(Root, DistillationCheckpoint.TransformerFolder);

    /// <summary>The final student as a complete diffusers folder (<see cref="WriteModel"/>).</summary>
    public string ModelDirectory => Path.Combine(Root, StudentModelFolder.DefaultName);

    /// <summary>The picture of the run's loss curve and evaluations (<see cref="WriteLossCurve"/>).</summary>
    public string LossCurveFile => Path.Combine(Root, LossCurveFileName);

    private string PlanFile => Path.Combine(Root, PlanFileName);
    private string EndFile => Path.Combine(Root, EndFileName);

    /// <summary>True when run.json is there.</summary>
    public bool HasPlan => File.Exists(PlanFile);

    /// <summary>When run.json was written (UTC): the run's creation time after a restart.</summary>
    public DateTime PlanWrittenAt => File.GetLastWriteTimeUtc(PlanFile);

    public void WritePlan<T>(T plan)
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(PlanFile, JsonSerializer.Serialize(plan, PlanJson));
    }

    /// <exception cref="JsonException">run.json is not JSON of <typeparamref name="T"/>, or holds null.</exception>
    public T ReadPlan<T>() where T : class =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(PlanFile), PlanJson) ?? throw new JsonException($"{PlanFile} holds null.");

    /// <summary>Writes the end marker with the run's final state.</summary>
    public void MarkEnded(DistillationRunState state)
    {
        if (!state.IsEnd()) throw new ArgumentException($"{state} is not a final state.", nameof(state));
        Directory.CreateDirectory(Root);
        File.WriteAllText(EndFile, JsonSerializer.Serialize(new EndMarker(state.ToString().ToLowerInvariant()), PlanJson));
    }

    /// <summary>Removes the end marker: the run goes on (a CLI rerun that extends a finished run).</summary>
    public void ClearEnded()
    {
        if (File.Exists(EndFile)) File.Delete(EndFile);
    }

    /// <summary>How the run ended, per its marker; null while it has not.</summary>
    /// <exception cref="JsonException">The marker names no final state.</exception>
    public DistillationRunState? Ended()
    {
        if (!File.Exists(EndFile)) return null;
        var name = JsonSerializer.Deserialize<EndMarker>(File.ReadAllText(EndFile), PlanJson)?.State;
        return Enum.TryParse<DistillationRunState>(name, ignoreCase: true, out var state) && state.IsEnd()
            ? state
            : throw new JsonException($"{EndFile} names no final state: '{name}'.");
    }

    /// <summary>The folder of the checkpoint after <paramref name="iteration"/> optimizer steps.</summary>
    public string CheckpointDirectory(int iteration) =>
        Path.Combine(Root, CheckpointPrefix + iteration.ToString("D7", CultureInfo.InvariantCulture));

    /// <summary>Complete checkpoint folders, oldest first (the zero-padded iteration sorts ordinally).</summary>
    public IReadOnlyList<string> Checkpoints() =>
        !Directory.Exists(Root)
            ? []
            : Directory.EnumerateDirectories(Root, CheckpointPrefix + "*")
                .Where(d => !d.EndsWith(PartialSuffix, StringComparison.Ordinal) && File.Exists(Path.Combine(d, CheckpointStateFile)))
                .OrderBy(d => d, StringComparer.Ordinal)
                .ToList();

    /// <summary>The newest complete checkpoint folder, or null.</summary>
    public string? LatestCheckpoint() => Checkpoints().LastOrDefault();

    /// <summary>
    /// Writes checkpoint <paramref name="iteration"/> with <paramref name="write"/> into a temporary folder and renames it,
    /// so that an interrupted save never leaves a half checkpoint that a resume would pick up; then deletes all but the
    /// newest <paramref name="keep"/>. Returns the checkpoint's folder.
    /// </summary>
    public string WriteCheckpoint(int iteration, int keep, Action<string> write)
    {
        var final = CheckpointDirectory(iteration);
        var temporary = final + PartialSuffix;
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        write(temporary);
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(temporary, final);
        foreach (var old in Checkpoints().SkipLast(keep)) Directory.Delete(old, recursive: true);
        return final;
    }

    /// <summary>Writes <see cref="ModelDirectory"/>: <paramref name="componentsFolder"/>'s other components + the final transformer.</summary>
    public string WriteModel(string componentsFolder) => StudentModelFolder.Write(componentsFolder, TransformerDirectory, ModelDirectory);

    /// <summary>Draws <paramref name="curve"/> into <see cref="LossCurveFile"/> (UTF-8), replacing an earlier picture; returns its path.</summary>
    public string WriteLossCurve(LossCurve curve)
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(LossCurveFile, LossCurveSvg.Write(curve));
        return LossCurveFile;
    }

    private sealed record EndMarker(string State);
}
