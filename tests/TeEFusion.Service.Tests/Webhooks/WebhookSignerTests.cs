using System.Text;
using StandardWebhooks;
using TeEFusion.Service.Webhooks;

namespace TeEFusion.Service.Tests.Webhooks;

public sealed class WebhookSignerTests
{
    // The Standard Webhooks reference libraries' own test vector.
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public void The_spec_test_vector_signs_as_the_reference_libraries_do()
    {
        var signature = new WebhookSigner(SpecSecret).Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("""{"test": 2432232314}"""));

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
        Assert.Equal(signature, new StandardWebhook(SpecSecret).Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", DateTimeOffset.FromUnixTimeSeconds(1614265330),
            """{"test": 2432232314}"""));
    }

    [Fact]
    public void Rotating_secrets_give_one_signature_each_and_either_verifies()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var both = new WebhookSigner($"{SpecSecret} {WebhookApi.Secret}").Sign("msg_1", 1700000000, body).Split(' ');

        Assert.Equal(new WebhookSigner(SpecSecret).Sign("msg_1", 1700000000, body), both[0]);
        Assert.Equal(new WebhookSigner(WebhookApi.Secret).Sign("msg_1", 1700000000, body), both[1]);
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with whsec_")]
    [InlineData("whsec_not-base64!", "base64 of 24 to 64 bytes")]
    [InlineData("whsec_c2hvcnQ=", "base64 of 24 to 64 bytes")]
    public void A_malformed_secret_is_named_without_being_echoed(string secret, string expected)
    {
        var problem = Assert.Single(WebhookSigner.Problems(secret));

        Assert.Contains(expected, problem);
        Assert.DoesNotContain(secret, problem);
        Assert.Throws<FormatException>(() => new WebhookSigner(secret));
    }
}
