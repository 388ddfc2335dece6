using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Tests.Jobs;

/// <summary>The one place where a submission that was not accepted becomes an HTTP answer.</summary>
public sealed class SubmissionTests
{
    private static async Task<(int Status, JsonElement Body, string RetryAfter)> AnswerAsync(Submission submission)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();
        await submission.ToProblem(http).ExecuteAsync(http);
        http.Response.Body.Position = 0;
        return (http.Response.StatusCode, JsonDocument.Parse(http.Response.Body).RootElement.Clone(), http.Response.Headers.RetryAfter.ToString());
    }

    [Theory]
    [InlineData(SubmissionRefusal.Draining, 503)]
    [InlineData(SubmissionRefusal.ModelUnavailable, 503)]
    [InlineData(SubmissionRefusal.KeyReused, 422)]
    [InlineData(SubmissionRefusal.QueueFull, 429)]
    public async Task A_refusal_answers_its_status_with_the_detail_and_Retry_After_when_given(SubmissionRefusal reason, int status)
    {
        var (code, body, retryAfter) = await AnswerAsync(new Submission.Refused(reason, "why", RetryAfterSeconds: 9));

        Assert.Equal(status, code);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal(Submission.Http(reason).Title, body.GetProperty("title").GetString());
        Assert.Equal("why", body.GetProperty("detail").GetString());
        Assert.Equal("9", retryAfter);
    }

    [Fact]
    public async Task Invalid_fields_answer_400_listing_each()
    {
        var (code, body, retryAfter) = await AnswerAsync(new Submission.Invalid(new Dictionary<string, string[]>
        {
            ["n"] = ["n must be between 1 and 4, got 9."],
            ["size"] = ["size must be 'WxH'."],
        }));

        Assert.Equal(400, code);
        var errors = body.GetProperty("errors");
        Assert.Equal("n must be between 1 and 4, got 9.", errors.GetProperty("n")[0].GetString());
        Assert.Equal("size must be 'WxH'.", errors.GetProperty("size")[0].GetString());
        Assert.Equal("", retryAfter);
    }

    [Fact]
    public void An_accepted_submission_has_no_problem() =>
        Assert.Throws<InvalidOperationException>(() => new Submission.Accepted(null!, false).ToProblem(new DefaultHttpContext()));
}
