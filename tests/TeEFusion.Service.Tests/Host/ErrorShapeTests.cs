using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Host;

/// <summary>Every error is application/problem+json with a 4xx for what the client got wrong, whatever it asked for.</summary>
[Collection("Sequential")]
public sealed class ErrorShapeTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    [Theory]
    [InlineData("application/json; charset=foo")]
    [InlineData("application/json; charset=\"not-an-encoding\"")]
    public async Task A_body_in_an_unknown_charset_is_415_naming_it(string contentType)
    {
        await using var factory = ServiceFactory.For(model);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"prompt\":\"x\"}"));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await factory.CreateClient().PostAsync("/v1/images/generations", content);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("charset", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("text/plain")]
    [InlineData("image/png")]
    public async Task An_unknown_path_is_a_problem_document_whatever_the_client_accepts(string accept)
    {
        await using var factory = ServiceFactory.For(model);
        var request = new HttpRequestMessage(HttpMethod.Get, "/no/such/path");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));

        var response = await factory.CreateClient().SendAsync(request);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("/no/such/path", problem.GetProperty("instance").GetString());
    }
}
