using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Tooling.Tests.Benchmarks;

/// <summary>What `bench fleet` reads and computes besides the run itself (the run: BenchFleetCommandTests).</summary>
public sealed class FleetBenchPartsTests
{
    [Fact]
    public void Redis_info_gives_commands_bytes_cpu_and_memory()
    {
        const string info = "# Server\r\nredis_version:7.0.15\r\n# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n# Stats\r\n" +
                            "total_commands_processed:120\r\ntotal_net_input_bytes:5000\r\ntotal_net_output_bytes:7000\r\n# CPU\r\n" +
                            "used_cpu_sys:1.250000\r\nused_cpu_user:0.750000\r\n";

        Assert.Equal(new RedisInfo(120, 5000, 7000, 2.0, 1048576), RedisInfo.Parse(info));
        Assert.Throws<InvalidOperationException>(() => RedisInfo.Parse("# Stats\r\ntotal_commands_processed:1\r\n"));
    }

    [Fact]
    public void The_batch_size_histogram_is_summed_over_its_label_sets_whatever_follows_the_value()
    {
        const string prometheus = """
            # TYPE teefusion_worker_batch_size histogram
            teefusion_worker_batch_size_bucket{model="a",sampler="student",le="4"} 10 1733550000000
            teefusion_worker_batch_size_sum{model="a",sampler="student"} 36 1733550000000
            teefusion_worker_batch_size_count{model="a",sampler="student"} 10 1733550000000
            teefusion_worker_batch_size_sum{model="b",sampler="euler-cfg"} 4
            teefusion_worker_batch_size_count{model="b",sampler="euler-cfg"} 2
            teefusion_worker_batch_size_summary_sum 999
            """;

        var metrics = ReplicaMetrics.Parse(prometheus);

        Assert.Equal(new ReplicaMetrics(40, 12), metrics);
        Assert.Equal(new ReplicaMetrics(4, 2), metrics - new ReplicaMetrics(36, 10));
    }

    [Fact]
    public void Image_store_pairs_are_parsed_and_a_pair_without_a_value_names_the_option()
    {
        Assert.Equal(new Dictionary<string, string> { ["Provider"] = "S3", ["S3:ServiceUrl"] = "http://127.0.0.1:4569/x=y" },
            FleetBenchSettings.ParsePairs("--image-store", ["Provider=S3,S3:ServiceUrl=http://127.0.0.1:4569/x=y"]));
        Assert.Contains("--image-store", Assert.Throws<ArgumentException>(() => FleetBenchSettings.ParsePairs("--image-store", ["Provider"])).Message);
    }

    [Fact]
    public void A_replicas_modeled_capacity_is_a_full_batch_per_job_duration_at_full_batches()
    {
        var settings = new FleetBenchSettings { ServiceDll = "x", MaxBatchSize = 4, Steps = 10, StepMillisecondsFixed = 20, StepMillisecondsPerRow = 20 };

        // A step of 4 rows: 20 + 80 = 100 ms; 10 steps: 1 s for 4 images.
        Assert.Equal(4.0, settings.CapacityPerReplica, 9);
    }
}
