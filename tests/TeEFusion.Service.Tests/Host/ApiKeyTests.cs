using System.Net;
using System.Net.Http.Headers;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Host;

[Collection("Sequential")]
public sealed class ApiKeyTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    private const string ApiKey = "test-api-key-0123456789";
    private const string AdminKey = "test-admin-key-0123456789";

    private ServiceFactory Secured() => ServiceFactory.For(model, ("Auth:ApiKeys:0", ApiKey), ("Auth:AdminKeys:0", AdminKey));

    private static HttpRequestMessage Get(string path, string? authorization = null, string? apiKeyHeader = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (apiKeyHeader is not null) request.Headers.Add("X-Api-Key", apiKeyHeader);
        return request;
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Basic dXNlcjpwYXNz", null)]
    [InlineData("Bearer", null)]
    [InlineData("Bearer two words", null)]
    [InlineData("Bearer " + ApiKey, ApiKey)]
    [InlineData("Bearer test-api-key-0123456788", null)]
    [InlineData(null, "test-api-key-012345678")]
    public async Task V1_without_a_usable_known_key_is_401_problem(string? authorization, string? apiKeyHeader)
    {
        await using var factory = Secured();

        var response = await factory.CreateClient().SendAsync(Get("/v1/models", authorization, apiKeyHeader));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("Bearer " + ApiKey, null)]
    [InlineData("bearer " + ApiKey, null)]
    [InlineData(null, ApiKey)]
    [InlineData("Bearer " + AdminKey, null)]
    public async Task V1_accepts_api_and_admin_keys_in_either_header(string? authorization, string? apiKeyHeader)
    {
        await using var factory = Secured();
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        var response = await client.SendAsync(Get("/v1/models", authorization, apiKeyHeader));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task V1_is_open_when_no_api_keys_are_configured()
    {
        await using var factory = ServiceFactory.For(model, ("Auth:AdminKeys:0", AdminKey));
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/models")).StatusCode);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/admin/status"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task On_an_open_v1_the_OpenAI_SDK_works_with_whatever_key_it_sends_and_admin_still_needs_the_admin_key()
    {
        // The README's distillation walkthrough: an admin key and no Auth:ApiKeys, and the README's SDK snippet's key.
        await using var factory = ServiceFactory.For(model, ("Auth:AdminKeys:0", AdminKey));
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        var models = await factory.CreateOpenAIClient("any-key-while-v1-is-open").GetOpenAIModelClient().GetModelsAsync();
        var client = factory.CreateClient();

        Assert.Single(models.Value);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/v1/models", "Bearer two words"))).StatusCode);
        await ProblemAssert.IsProblemAsync(await client.SendAsync(Get("/admin/status", "Bearer any-key-while-v1-is-open")), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_route_gives_401_without_or_with_a_wrong_key_403_with_an_api_key_and_200_with_an_admin_key()
    {
        await using var factory = Secured();
        var client = factory.CreateClient();

        await ProblemAssert.IsProblemAsync(await client.SendAsync(Get("/admin/status")), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await client.SendAsync(Get("/admin/status", "Bearer not-a-configured-key-000")), HttpStatusCode.Unauthorized);
        var forbidden = await ProblemAssert.IsProblemAsync(await client.SendAsync(Get("/admin/status", "Bearer " + ApiKey)), HttpStatusCode.Forbidden);
        Assert.Contains("admin", forbidden.GetProperty("detail").GetString());

        var request = Get("/admin/status");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var ok = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("\"worker\"", await ok.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Admin_route_is_closed_to_everyone_when_no_admin_keys_are_configured()
    {
        await using var factory = ServiceFactory.For(model, ("Auth:ApiKeys:0", ApiKey));
        var client = factory.CreateClient();

        await ProblemAssert.IsProblemAsync(await client.SendAsync(Get("/admin/status", "Bearer " + ApiKey)), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.SendAsync(Get("/admin/status")), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Two_credential_headers_at_once_are_malformed()
    {
        await using var factory = Secured();

        var response = await factory.CreateClient().SendAsync(Get("/v1/models", "Bearer " + ApiKey, ApiKey));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
