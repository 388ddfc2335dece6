using System.Text;
using System.Xml;
using System.Xml.Linq;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;

namespace TeEFusion.Core.Imaging;

/// <summary>
/// The provenance in a JPEG or WebP, where ImageSharp writes and reads both EXIF and XMP: the XMP packet holds one property
/// per field, named like the PNG's text chunks, in the <see cref="Namespace"/> namespace (the parameters JSON included),
/// and EXIF UserComment holds the parameters JSON again, in Unicode, where Stable Diffusion tools look for a JPEG's parameters.
/// </summary>
internal static class ExifXmpProvenance
{
    /// <summary>The XMP namespace of the provenance properties (prefix <c>teefusion</c>).</summary>
    public const string Namespace = "urn:teefusion:provenance:1.0";

    private static readonly XNamespace Meta = "adobe:ns:meta/";
    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace Provenance = Namespace;

    public static void Write(ImageMetadata metadata, ImageProvenance provenance)
    {
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.UserComment, new EncodedString(EncodedString.CharacterCode.Unicode, provenance.ToJson()));
        metadata.ExifProfile = exif;

        var description = new XElement(Rdf + "Description",
            new XAttribute(Rdf + "about", ""),
            new XAttribute(XNamespace.Xmlns + "teefusion", Provenance.NamespaceName),
            provenance.Fields().Select(f => new XElement(Provenance + f.Keyword, XmlText(f.Text))));
        var packet = new XElement(Meta + "xmpmeta",
            new XAttribute(XNamespace.Xmlns + "x", Meta.NamespaceName),
            new XElement(Rdf + "RDF", new XAttribute(XNamespace.Xmlns + "rdf", Rdf.NamespaceName), description));
        metadata.XmpProfile = new XmpProfile(Encoding.UTF8.GetBytes(packet.ToString(SaveOptions.DisableFormatting)));
    }

    /// <summary>The XMP parameters property's JSON, or null when there is none.</summary>
    public static string? Parameters(ImageMetadata metadata) =>
        metadata.XmpProfile?.GetDocument()?.Descendants(Provenance + ImageProvenance.ParametersKeyword).FirstOrDefault()?.Value;

    // XML 1.0 cannot hold most control characters (a prompt may): those become U+FFFD in a field's property, while the
    // parameters JSON, which escapes them, keeps the exact text.
    private static string XmlText(string text)
    {
        var safe = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) safe.Append(text, i++, 2);
            else safe.Append(XmlConvert.IsXmlChar(text[i]) ? text[i] : '\uFFFD');
        }
        return safe.ToString();
    }
}
