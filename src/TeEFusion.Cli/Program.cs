System.Console.WriteLine(TeEFusion.Core.TorchProbe.Run());
