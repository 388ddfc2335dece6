using System.Runtime.InteropServices;
using TorchSharp;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>Names the machine a result was measured on, so numbers are never quoted without it.</summary>
public sealed record MachineInfo(string Os, string Cpu, int Cores, int TorchThreads, string Device, string TorchSharp)
{
    public static MachineInfo Current(string device) => new(
        RuntimeInformation.OSDescription,
        CpuModel(),
        Environment.ProcessorCount,
        torch.get_num_threads(),
        device,
        typeof(torch).Assembly.GetName().Version?.ToString() ?? "?");

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    public override string ToString() => $"{Cpu} ({Cores} cores, torch threads {TorchThreads}), {Os}, device {Device}, TorchSharp {TorchSharp}";
}
