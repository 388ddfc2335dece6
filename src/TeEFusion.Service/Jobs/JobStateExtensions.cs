namespace TeEFusion.Service.Jobs;

public static class JobStateExtensions
{
    /// <summary>True for succeeded, failed and canceled: states a job never leaves.</summary>
    public static bool IsFinal(this JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Canceled;
}
