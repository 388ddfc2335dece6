using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// What a component sub-folder holds, as one SHA-256: two folders at different paths with the same files (names and
/// bytes) have the same fingerprint, so <see cref="SD3ComponentPool"/> can load their part once.
/// </summary>
internal static class ComponentFingerprint
{
    // A file is read once per process: its hash is kept until its length or last write changes. An encoder's weights
    // are gigabytes, and every model that shares them (and each status request) asks again.
    private static readonly ConcurrentDictionary<FileStamp, byte[]> FileHashes = new();

    /// <summary>Lowercase hex SHA-256 over every file under <paramref name="directory"/>: its relative name, then its bytes' hash, in ordinal order of names.</summary>
    public static string Of(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(path => (Name: Path.GetRelativePath(directory, path).Replace(Path.DirectorySeparatorChar, '/'), Path: path))
            .OrderBy(file => file.Name, StringComparer.Ordinal);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, path) in files)
        {
            // The NUL ends the name, so "ab" + file "c…" cannot read as "a" + file "bc…".
            sha.AppendData(Encoding.UTF8.GetBytes(name + '\0'));
            sha.AppendData(FileHash(path));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static byte[] FileHash(string path)
    {
        var info = new FileInfo(path);
        var stamp = new FileStamp(info.FullName, info.Length, info.LastWriteTimeUtc);
        if (FileHashes.TryGetValue(stamp, out var known)) return known;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.SequentialScan);
        return FileHashes[stamp] = SHA256.HashData(stream);
    }

    private readonly record struct FileStamp(string FullPath, long Length, DateTime LastWriteUtc);
}
