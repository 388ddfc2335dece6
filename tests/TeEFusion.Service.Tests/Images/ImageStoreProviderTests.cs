using System.Net;
using TeEFusion.Service.Images;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Images;

/// <summary>Both shared providers against the real thing: a temp directory, and s3rver on loopback.</summary>
[Collection("Sequential")]
public sealed class ImageStoreProviderTests(S3Server s3) : IClassFixture<S3Server>, IDisposable
{
    private static readonly byte[] File1 = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];
    private static readonly byte[] File2 = [0x89, 0x50, 0x4E, 0x47, 4, 5, 6, 7, 8];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "teefusion-images-" + Guid.NewGuid().ToString("N"));
    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..12];

    public static TheoryData<string> Providers => ["filesystem", "s3"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_put_file_reads_back_whole_and_a_missing_one_reads_as_none(string provider)
    {
        var store = Store(provider);
        var key = new ImageKey(NewJobId(), 0);

        await store.PutAsync(key, File1, "image/png", CancellationToken.None);
        await store.PutAsync(key, File2, "image/png", CancellationToken.None);

        Assert.Equal(File2, await ReadAsync(store, key));
        Assert.Null(await store.OpenReadAsync(new ImageKey(key.JobId, 1), CancellationToken.None));
        Assert.Null(await store.OpenReadAsync(new ImageKey(NewJobId(), 0), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Expiry_deletes_only_images_stored_before_the_cutoff(string provider)
    {
        var store = Store(provider);
        var key = new ImageKey(NewJobId(), 0);
        await store.PutAsync(key, File1, "image/png", CancellationToken.None);

        Assert.Equal(0, await store.DeleteStoredBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(-5), CancellationToken.None));
        Assert.Equal(File1, await ReadAsync(store, key));

        Assert.Equal(1, await store.DeleteStoredBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None));
        Assert.Null(await store.OpenReadAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task The_file_system_store_leaves_no_half_file_and_sweeps_only_its_own_names()
    {
        var store = new FileSystemImageStore(_root);
        var key = new ImageKey(NewJobId(), 3);
        var foreign = Path.Combine(_root, "notes.txt");
        File.WriteAllText(foreign, "not an image");
        var strayInJob = Path.Combine(_root, key.JobId, "readme");

        await store.PutAsync(key, File1, "image/png", CancellationToken.None);
        File.WriteAllText(strayInJob, "not an image either");

        Assert.Equal(["3", "readme"], Directory.GetFiles(Path.Combine(_root, key.JobId)).Select(Path.GetFileName).Order());
        Assert.Equal(1, await store.DeleteStoredBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None));
        Assert.True(File.Exists(foreign));
        Assert.True(File.Exists(strayInJob));
    }

    [Fact]
    public async Task A_presigned_S3_url_serves_the_object_to_a_plain_client_for_the_time_asked()
    {
        using var store = (S3ImageStore)Store("s3");
        var key = new ImageKey(NewJobId(), 0);
        await store.PutAsync(key, File2, "image/png", CancellationToken.None);
        using var http = new HttpClient();

        var url = (await store.PresignedUrlAsync(key, DateTimeOffset.UtcNow.AddSeconds(600)))!;
        var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File2, await response.Content.ReadAsByteArrayAsync());
        // Valid for the time asked (S3 counts from X-Amz-Date; the SDK rounds up), signed with the configured credential.
        var expires = System.Text.RegularExpressions.Regex.Match(url.Query, "X-Amz-Expires=([0-9]+)").Groups[1].Value;
        Assert.InRange(int.Parse(expires, System.Globalization.CultureInfo.InvariantCulture), 600, 601);
        Assert.Contains("X-Amz-Credential=S3RVER%2F", url.Query);
        Assert.Null(await new FileSystemImageStore(_root).PresignedUrlAsync(key, DateTimeOffset.UtcNow.AddMinutes(10)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private IImageStore Store(string provider) => provider == "s3"
        ? new S3ImageStore(s3.StoreOptions(_prefix), TimeSpan.FromSeconds(10))
        : new FileSystemImageStore(_root);

    private static string NewJobId() => "job_" + Guid.CreateVersion7().ToString("N");

    private static async Task<byte[]> ReadAsync(IImageStore store, ImageKey key)
    {
        await using var stream = await store.OpenReadAsync(key, CancellationToken.None);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
