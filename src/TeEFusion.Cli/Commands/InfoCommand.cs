using System.CommandLine;
using TeEFusion.Core.Pipelines;
using TorchSharp;

namespace TeEFusion.Cli.Commands;

/// <summary>`teefusion info`: what this build can run on, for bug reports and deployment checks.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Print the torch backend, devices and versions this build sees.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"teefusion      {typeof(InfoCommand).Assembly.GetName().Version}");
            Console.WriteLine($".NET           {Environment.Version}");
            Console.WriteLine($"TorchSharp     {typeof(torch).Assembly.GetName().Version}");
            Console.WriteLine($"CUDA available {torch.cuda.is_available()} (devices: {(torch.cuda.is_available() ? torch.cuda.device_count() : 0)})");
            Console.WriteLine($"CPU threads    {torch.get_num_threads()}");
            Console.WriteLine($"default model  {DefaultModel()}");
            return 0;
        });
        return command;
    }

    // The folder `generate` and `eval shapes` use without --model, or why there is none.
    private static string DefaultModel()
    {
        try
        {
            return BundledModel.Locate();
        }
        catch (DirectoryNotFoundException error)
        {
            return error.Message;
        }
    }
}
