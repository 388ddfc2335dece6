using System.CommandLine;
using TeEFusion.Cli.Commands;

var root = new RootCommand("teefusion: TeEFusion text-to-image models on TorchSharp (generate, distill, evaluate, benchmark).")
{
    InfoCommand.Create(),
    GenerateCommand.Create(),
    MakeRandomModelCommand.Create(),
    BenchCommand.Create(),
    DistillCommand.Create(),
    TrainTinyCommand.Create(),
    EvalCommand.Create(),
};
return root.Parse(args).Invoke();
