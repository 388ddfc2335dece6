using SixLabors.ImageSharp;
using TeEFusion.Core.Imaging;

namespace TeEFusion.Service.Tests.Admin;

/// <summary>What a served PNG says made it: its `parameters` text chunk (model id and version, sampler, steps, seed...).</summary>
public static class PngProvenance
{
    public static ImageProvenance Read(byte[] png) =>
        ImageProvenance.FromJson(Image.Identify(png).Metadata.GetPngMetadata().TextData.Single(t => t.Keyword == ImageProvenance.ParametersKeyword).Value);
}
