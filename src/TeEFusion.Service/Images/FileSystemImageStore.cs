namespace TeEFusion.Service.Images;

/// <summary>
/// Images as files under one root directory that every replica mounts (a Kubernetes volume): root/job_…/N. A file is
/// written under a temporary name in its job's directory, flushed to disk and then renamed, so a reader on any replica
/// sees the whole file or none. Only names an <see cref="ImageKey"/> makes are ever read or deleted, so the root may hold
/// other things.
/// </summary>
public sealed class FileSystemImageStore : IImageStore
{
    private const string TemporarySuffix = ".partial";
    private readonly string _root;

    public FileSystemImageStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Provider => "filesystem";

    public async Task PutAsync(ImageKey key, byte[] file, string mediaType, CancellationToken cancellation)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}{TemporarySuffix}";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await stream.WriteAsync(file, cancellation);
                // On disk before the rename makes it visible: a crash must not leave a whole-looking half file.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public Task<Stream?> OpenReadAsync(ImageKey key, CancellationToken cancellation)
    {
        try
        {
            // FileShare.Delete: the sweeper may delete an expired file while it is being sent; the reader keeps its copy.
            return Task.FromResult<Stream?>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920,
                useAsync: true));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<Uri?> PresignedUrlAsync(ImageKey key, DateTimeOffset expiresAt) => Task.FromResult<Uri?>(null);

    public Task<int> DeleteStoredBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellation)
    {
        var deleted = 0;
        foreach (var directory in Directory.EnumerateDirectories(_root))
        {
            cancellation.ThrowIfCancellationRequested();
            var jobId = Path.GetFileName(directory);
            if (ImageKey.TryCreate(jobId, 0) is null) continue;
            try
            {
                deleted += DeleteStoredBefore(directory, jobId, cutoff);
                if (!Directory.EnumerateFileSystemEntries(directory).Any()) Directory.Delete(directory);
            }
            catch (IOException)
            {
                // Another replica swept it first (gone), or wrote into it meanwhile (not empty): the next sweep looks again.
            }
        }
        return Task.FromResult(deleted);
    }

    private static int DeleteStoredBefore(string directory, string jobId, DateTimeOffset cutoff)
    {
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            // Images, and temporary files a crashed writer left behind.
            var ours = ImageKey.TryParse(jobId + "/" + name) is not null || name.EndsWith(TemporarySuffix, StringComparison.Ordinal);
            if (!ours || File.GetLastWriteTimeUtc(file) >= cutoff.UtcDateTime) continue;
            File.Delete(file);
            deleted++;
        }
        return deleted;
    }

    // The key's name holds no separator or dot segment (see ImageKey), so the path is always inside the root.
    private string PathOf(ImageKey key) => Path.Combine(_root, key.JobId, key.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
