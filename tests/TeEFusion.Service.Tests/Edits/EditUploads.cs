using System.Net.Http.Headers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Tooling.Images;

namespace TeEFusion.Service.Tests.Edits;

/// <summary>Image files (see <see cref="EditPictures"/>) and multipart bodies for the edit endpoints.</summary>
public static class EditUploads
{
    public static byte[] Picture(int seed = 1, int width = 32, int height = 32) => EditPictures.Picture(seed, width, height);

    public static byte[] RightHalfMask(int width = 32, int height = 32) => EditPictures.RightHalfMask(width, height);

    /// <summary>A one-colour PNG: a few hundred bytes whatever its size (an image bomb when large).</summary>
    public static byte[] Flat(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(200, 10, 10));
        return EditPictures.Png(image, PngColorType.Rgb);
    }

    /// <summary>
    /// A multipart body: <paramref name="files"/> as (field, bytes, file name) and text <paramref name="fields"/>; by default
    /// prompt, seed 7, 4 steps and guidance 5.
    /// </summary>
    public static MultipartFormDataContent Form(IEnumerable<(string Field, byte[] Bytes, string FileName)> files, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, bytes, fileName) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".png") ? "image/png" : "application/octet-stream");
            form.Add(part, field, fileName);
        }
        var all = new Dictionary<string, string> { ["prompt"] = "a red fox", ["seed"] = "7", ["steps"] = "4", ["guidance_scale"] = "5" };
        foreach (var (name, value) in fields) all[name] = value;
        foreach (var (name, value) in all) form.Add(new StringContent(value), name);
        return form;
    }

    /// <summary>The usual edit: <see cref="Picture"/> as `image`, with the right-half mask when <paramref name="mask"/>.</summary>
    public static MultipartFormDataContent Edit(bool mask = false, params (string Name, string Value)[] fields) =>
        Form(mask ? [("image", Picture(), "in.png"), ("mask", RightHalfMask(), "mask.png")] : [("image", Picture(), "in.png")], fields);
}
