using TeEFusion.Service.Jobs;
using TeEFusion.Service.Jobs.Redis;

namespace TeEFusion.Service.Tests.Redis;

public sealed class ClaimPolicyTests
{
    [Theory]
    [InlineData(4, 1, 0, 64, false, 5)] // idle: fills the batch and prefetches one
    [InlineData(4, 1, 3, 64, false, 2)] // one place free, plus the prefetch
    [InlineData(4, 1, 5, 64, false, 0)] // full batch and a prefetched job: nothing more
    [InlineData(4, 1, 6, 64, false, 0)] // a job with more images than the batch holds more: never negative
    [InlineData(4, 0, 4, 64, false, 0)] // no prefetch: only free places
    [InlineData(4, 2, 0, 3, false, 3)]  // never more than the local queue takes
    [InlineData(4, 1, 4, 64, true, 0)]  // a prefetched job was given back: no prefetch until the worker moves
    [InlineData(4, 1, 2, 64, true, 2)]  // ... free places are still filled
    [InlineData(1, 1, 0, 64, false, 2)] // batching off: one running and one waiting
    public void A_replica_claims_its_free_places_plus_a_bounded_prefetch(int places, int prefetch, int held, int room, bool suspended, int expected) =>
        Assert.Equal(expected, ClaimPolicy.JobsToClaim(places, prefetch, held, room, suspended));

    [Fact]
    public void Only_a_job_not_started_within_the_bound_is_given_back()
    {
        var claimed = DateTimeOffset.UnixEpoch;
        var bound = TimeSpan.FromSeconds(5);

        Assert.False(ClaimPolicy.GiveBack(started: false, claimed, claimed + TimeSpan.FromSeconds(4.9), bound));
        Assert.True(ClaimPolicy.GiveBack(started: false, claimed, claimed + bound, bound));
        Assert.False(ClaimPolicy.GiveBack(started: true, claimed, claimed + TimeSpan.FromMinutes(1), bound));
    }

    [Theory]
    [InlineData(JobState.Queued, 0, 8, true)]
    [InlineData(JobState.Running, 0, 8, true)]
    [InlineData(JobState.Running, 6, 8, true)]
    [InlineData(JobState.Running, 7, 8, false)] // in its last step: its replacement is claimed now, to join the next step
    [InlineData(JobState.Running, 0, 1, false)]
    [InlineData(JobState.Succeeded, 8, 8, false)]
    [InlineData(JobState.Canceled, 0, 8, false)]
    public void A_job_holds_its_places_until_its_last_step(JobState state, int step, int totalSteps, bool occupies) =>
        Assert.Equal(occupies, ClaimPolicy.Occupies(state, step, totalSteps));
}
