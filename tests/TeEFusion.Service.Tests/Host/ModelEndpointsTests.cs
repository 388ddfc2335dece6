using System.Net;
using System.Text.Json;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Host;

[Collection("Sequential")]
public sealed class ModelEndpointsTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    [Fact]
    public async Task Models_lists_the_served_model_in_the_OpenAI_shape()
    {
        await using var factory = ServiceFactory.For(model);
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        var response = await client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("list", root.GetProperty("object").GetString());
        var entry = Assert.Single(root.GetProperty("data").EnumerateArray());
        Assert.Equal(TinyModelFolder.FolderName, entry.GetProperty("id").GetString());
        Assert.Equal("model", entry.GetProperty("object").GetString());
        Assert.Equal(model.IndexWrittenAt.ToUnixTimeSeconds(), entry.GetProperty("created").GetInt64());
        Assert.Equal("teefusion-service", entry.GetProperty("owned_by").GetString());
        Assert.Matches("^[0-9a-f]{12}$", entry.GetProperty("version").GetString());
        Assert.Equal("sd3", entry.GetProperty("family").GetString());
        Assert.Equal("teefusion_student", entry.GetProperty("kind").GetString());
        Assert.Equal(["student"], entry.GetProperty("samplers").EnumerateArray().Select(s => s.GetString()));
        var defaults = entry.GetProperty("defaults");
        Assert.Equal("student", defaults.GetProperty("sampler").GetString());
        Assert.Equal(5.0, defaults.GetProperty("guidance").GetDouble());
        Assert.Equal(28, defaults.GetProperty("steps").GetInt32());
        Assert.Equal("float32", entry.GetProperty("dtype").GetString());
        Assert.Equal("cpu", entry.GetProperty("device").GetString());
    }

    [Fact]
    public async Task Configured_id_version_owner_and_dtype_alias_are_served()
    {
        await using var factory = ServiceFactory.For(model, ("Model:Id", "house-model"), ("Model:Version", "2026.11"),
            ("Model:OwnedBy", "ops"), ("Compute:DType", "fp32"));
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        var entry = JsonDocument.Parse(await client.GetStringAsync("/v1/models/house-model")).RootElement;

        Assert.Equal("house-model", entry.GetProperty("id").GetString());
        Assert.Equal("2026.11", entry.GetProperty("version").GetString());
        Assert.Equal("ops", entry.GetProperty("owned_by").GetString());
        Assert.Equal("float32", entry.GetProperty("dtype").GetString());
    }

    [Fact]
    public async Task The_OpenAI_SDK_lists_and_retrieves_the_model()
    {
        const string key = "openai-sdk-key-0123456789";
        await using var factory = ServiceFactory.For(model, ("Auth:ApiKeys:0", key));
        var models = factory.CreateOpenAIClient(key).GetOpenAIModelClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        var listed = Assert.Single((await models.GetModelsAsync()).Value);
        var retrieved = (await models.GetModelAsync(TinyModelFolder.FolderName)).Value;

        Assert.Equal(TinyModelFolder.FolderName, listed.Id);
        Assert.Equal("teefusion-service", listed.OwnedBy);
        Assert.Equal(model.IndexWrittenAt.ToUnixTimeSeconds(), listed.CreatedAt.ToUnixTimeSeconds());
        Assert.Equal(listed.Id, retrieved.Id);
        var denied = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => factory.CreateOpenAIClient("wrong-key-0123456789abc")
            .GetOpenAIModelClient().GetModelsAsync());
        Assert.Equal(401, denied.Status);
    }

    [Fact]
    public async Task Unknown_model_id_is_404_problem()
    {
        await using var factory = ServiceFactory.For(model);
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        var problem = await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/models/other"), HttpStatusCode.NotFound);
        Assert.Contains("'other'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Models_is_503_problem_without_a_model()
    {
        await using var factory = new ServiceFactory(modelPath: null);

        var problem = await ProblemAssert.IsProblemAsync(await factory.CreateClient().GetAsync("/v1/models"), HttpStatusCode.ServiceUnavailable);

        Assert.Contains("No model is configured", problem.GetProperty("detail").GetString());
    }
}
