using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>The device worker's priorities, rule by rule, and the sequences that must not starve anything.</summary>
public sealed class WorkerPolicyTests
{
    private static readonly WorkerState Idle = new(Stopping: false, SwapPending: false, SwapWaitsForJobs: false, RunningJobs: 0, Head: QueueHead.Empty,
        Gathering: false, TrainingWaiting: false);

    public static TheoryData<string, WorkerState, WorkerAction> Rules => new()
    {
        { "nothing to do: sleep", Idle, WorkerAction.Wait },
        { "stopping beats everything", Idle with { Stopping = true, SwapPending = true, RunningJobs = 2, Head = QueueHead.Admissible, TrainingWaiting = true }, WorkerAction.Stop },
        { "a swap with nothing running is applied", Idle with { SwapPending = true, Head = QueueHead.Admissible, TrainingWaiting = true }, WorkerAction.Swap },
        { "a swap waits for its model's running jobs, admitting none", Idle with { SwapPending = true, SwapWaitsForJobs = true, RunningJobs = 1, Head = QueueHead.Admissible }, WorkerAction.Step },
        { "a swap does not wait for other models' jobs", Idle with { SwapPending = true, RunningJobs = 3, Head = QueueHead.Admissible }, WorkerAction.Swap },
        { "a queued job joins between steps", Idle with { RunningJobs = 3, Head = QueueHead.Admissible }, WorkerAction.Admit },
        { "an ended job leaves the queue even beside a full batch", Idle with { RunningJobs = 4, Head = QueueHead.Admissible }, WorkerAction.Admit },
        { "a job that does not fit waits while the batch steps", Idle with { RunningJobs = 4, Head = QueueHead.Blocked }, WorkerAction.Step },
        { "a fresh batch waits for company", Idle with { RunningJobs = 1, Gathering = true }, WorkerAction.Gather },
        { "gathering ends when the next job does not fit", Idle with { RunningJobs = 1, Gathering = true, Head = QueueHead.Blocked }, WorkerAction.Step },
        { "running jobs step", Idle with { RunningJobs = 2 }, WorkerAction.Step },
        { "training takes the gaps", Idle with { TrainingWaiting = true }, WorkerAction.Train },
        { "training never runs while a job waits", Idle with { TrainingWaiting = true, Head = QueueHead.Admissible }, WorkerAction.Admit },
        { "training never runs while a job runs", Idle with { TrainingWaiting = true, RunningJobs = 1 }, WorkerAction.Step },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_picks_its_action(string rule, WorkerState state, WorkerAction expected) =>
        Assert.True(WorkerPolicy.NextAction(state) == expected, $"{rule}: expected {expected}, got {WorkerPolicy.NextAction(state)}");

    // A small simulation of the worker: jobs of `steps` steps, a batch of `maxBatch` one-image jobs, and a queue that
    // never runs dry. Returns the actions until `until` holds or the budget of actions is spent.
    private static List<WorkerAction> Simulate(WorkerState start, int queued, int steps, int maxBatch, Func<WorkerState, bool> until, int budget = 1000)
    {
        var running = new List<int>();                   // steps left per running job
        for (var i = 0; i < start.RunningJobs; i++) running.Add(steps);
        var state = start;
        var actions = new List<WorkerAction>();
        while (!until(state) && actions.Count < budget)
        {
            var action = WorkerPolicy.NextAction(state);
            actions.Add(action);
            switch (action)
            {
                case WorkerAction.Admit:
                    queued--;
                    running.Add(steps);
                    break;
                case WorkerAction.Step:
                    for (var i = 0; i < running.Count; i++) running[i]--;
                    running.RemoveAll(left => left == 0);
                    break;
                case WorkerAction.Swap:
                    state = state with { SwapPending = false, SwapWaitsForJobs = false };
                    break;
                case WorkerAction.Train:
                    state = state with { TrainingWaiting = false };
                    break;
            }
            var head = queued == 0 ? QueueHead.Empty : running.Count < maxBatch ? QueueHead.Admissible : QueueHead.Blocked;
            // Every running job here is of the model the swap replaces.
            state = state with { RunningJobs = running.Count, Head = head, Gathering = false, SwapWaitsForJobs = state.SwapPending && running.Count > 0 };
        }
        return actions;
    }

    [Fact]
    public void A_long_queue_never_starves_a_pending_swap()
    {
        var start = Idle with { SwapPending = true, SwapWaitsForJobs = true, RunningJobs = 4, Head = QueueHead.Blocked };

        var actions = Simulate(start, queued: 10_000, steps: 5, maxBatch: 4, until: s => !s.SwapPending);

        Assert.Equal(WorkerAction.Swap, actions[^1]);
        Assert.DoesNotContain(WorkerAction.Admit, actions);
        Assert.Equal(6, actions.Count);                   // the running jobs' five steps, then the swap
    }

    [Fact]
    public void Serving_comes_first_and_training_runs_once_the_queue_is_empty()
    {
        var start = Idle with { TrainingWaiting = true, Head = QueueHead.Admissible };

        var actions = Simulate(start, queued: 6, steps: 3, maxBatch: 4, until: s => !s.TrainingWaiting);

        var train = actions.IndexOf(WorkerAction.Train);
        Assert.Equal(actions.Count - 1, train);
        Assert.Equal(6, actions.Count(a => a == WorkerAction.Admit));
        Assert.Equal(6, actions.Count(a => a == WorkerAction.Step));    // two waves of three steps: four jobs, then two
    }
}
