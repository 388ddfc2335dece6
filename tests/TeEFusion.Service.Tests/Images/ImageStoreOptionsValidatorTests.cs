using TeEFusion.Service.Options;

namespace TeEFusion.Service.Tests.Images;

public sealed class ImageStoreOptionsValidatorTests
{
    private static string? Failure(ImageStoreOptions options) => new ImageStoreOptionsValidator().Validate(null, options).FailureMessage;

    [Fact]
    public void The_defaults_keep_images_in_memory_and_are_valid() =>
        Assert.Null(Failure(new ImageStoreOptions()));

    [Fact]
    public void FileSystem_needs_a_path() =>
        Assert.Contains("ImageStore:Path is empty", Failure(new ImageStoreOptions { Provider = ImageStoreProvider.FileSystem }));

    [Fact]
    public void S3_needs_a_bucket() =>
        Assert.Contains("ImageStore:S3:Bucket is empty", Failure(new ImageStoreOptions { Provider = ImageStoreProvider.S3 }));

    [Fact]
    public void S3_with_a_bucket_and_the_default_credentials_is_valid() =>
        Assert.Null(Failure(new ImageStoreOptions { Provider = ImageStoreProvider.S3, S3 = new() { Bucket = "images" } }));

    [Fact]
    public void Redirect_needs_S3() =>
        Assert.Contains("only the S3 provider", Failure(new ImageStoreOptions { Provider = ImageStoreProvider.FileSystem, Path = "/data", Redirect = true }));

    [Fact]
    public void One_credential_without_the_other_is_refused() =>
        Assert.Contains("go together",
            Failure(new ImageStoreOptions { Provider = ImageStoreProvider.S3, S3 = new() { Bucket = "images", AccessKey = "AKIA" } }));

    [Theory]
    [InlineData("../")]
    [InlineData("a/../")]
    [InlineData("./")]
    [InlineData("images")]
    [InlineData("/images/")]
    [InlineData("im ages/")]
    public void A_key_prefix_that_is_not_plain_segments_is_refused(string prefix) =>
        Assert.Contains("ImageStore:S3:KeyPrefix", Failure(new ImageStoreOptions { S3 = new() { KeyPrefix = prefix } }));

    [Theory]
    [InlineData("")]
    [InlineData("teefusion/")]
    [InlineData("prod/eu-1/images.v2/")]
    public void A_plain_key_prefix_is_valid(string prefix) =>
        Assert.Null(Failure(new ImageStoreOptions { S3 = new() { KeyPrefix = prefix } }));

    [Fact]
    public void A_service_url_must_be_absolute() =>
        Assert.Contains("not an absolute http(s) URL",
            Failure(new ImageStoreOptions { Provider = ImageStoreProvider.S3, S3 = new() { Bucket = "images", ServiceUrl = "minio:9000" } }));
}
