using System.Text;
using System.Xml;

namespace TeEFusion.Core.Distillation;

/// <summary>Elements of an SVG document over an <see cref="XmlWriter"/>, which escapes every text and attribute value.</summary>
internal sealed class SvgWriter(XmlWriter xml)
{
    private const string Namespace = "http://www.w3.org/2000/svg";

    /// <summary>Starts an element in the SVG namespace (the root declares it); <see cref="Close"/> ends it.</summary>
    public void Open(string name, params (string Name, string Value)[] attributes)
    {
        xml.WriteStartElement(name, Namespace);
        foreach (var (attribute, value) in attributes) xml.WriteAttributeString(attribute, Printable(value));
    }

    public void Close() => xml.WriteEndElement();

    public void Empty(string name, params (string Name, string Value)[] attributes)
    {
        Open(name, attributes);
        Close();
    }

    public void Text(string name, string text, params (string Name, string Value)[] attributes)
    {
        Open(name, attributes);
        xml.WriteString(Printable(text));
        Close();
    }

    /// <summary>An element with a tooltip: its SVG &lt;title&gt; child.</summary>
    public void Titled(string name, string tooltip, params (string Name, string Value)[] attributes)
    {
        Open(name, attributes);
        Text("title", tooltip);
        Close();
    }

    // XML 1.0 cannot carry most control characters (a CLI run folder's name could hold one): they are drawn as U+FFFD.
    private static string Printable(string text)
    {
        var printable = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i])) printable.Append(text[i]);
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) printable.Append(text, i++, 2);
            else printable.Append('\uFFFD');
        }
        return printable.ToString();
    }
}
