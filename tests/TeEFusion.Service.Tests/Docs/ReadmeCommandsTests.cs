using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using TeEFusion.Service.Contracts;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Tests.Shared;

namespace TeEFusion.Service.Tests.Docs;

/// <summary>
/// Every command in the shell blocks of the README and of docs/ is checked against something real: dotnet commands
/// against the projects, the build's backends, the settings and CI's script; curl requests against the service's routes
/// and request contracts; pipes against the response contract; docker and kubectl against docker/ and deploy/; the built
/// CLI's path against the build. CLI invocations are parsed by the CLI itself in TeEFusion.Cli.Tests
/// (ReadmeCliCommandsTests). A command of a kind with no check fails.
/// </summary>
public sealed partial class ReadmeCommandsTests
{
    private const string ServiceProject = "src/TeEFusion.Service";
    private const string CliProject = "src/TeEFusion.Cli";
    internal const string BaseAddress = "http://localhost:5000";

    [Fact]
    public void The_readme_opens_with_the_service_and_the_test_command_that_ci_runs()
    {
        var commands = MarkdownShellBlocks.Commands(RepositoryFiles.Text(DocumentationPages.Readme));
        Assert.Equal($"dotnet run --project {ServiceProject} -c Release", string.Join(' ', commands[0].Words));
        Assert.Equal("dotnet build TeEFusion.Service.sln -c Release", string.Join(' ', commands[1].Words));
        Assert.Equal("dotnet test TeEFusion.Service.sln -c Release --no-build -m:1", string.Join(' ', commands[2].Words));
    }

    [Fact]
    public async Task Every_command_of_the_readme_and_docs_names_real_projects_routes_contracts_and_files()
    {
        await using var factory = new ServiceFactory(modelPath: null);
        factory.CreateClient();
        var routes = new ServiceRoutes(factory);
        var problems = new List<string>();
        var endpoints = new Dictionary<ShellCommand, RouteEndpoint>();

        foreach (var (page, command) in DocumentationPages.Commands)
        {
            var found = command.Program switch
            {
                "dotnet" => Dotnet(command),
                "curl" => Curl(command, routes, endpoints),
                "jq" or "base64" => Pipe(command, endpoints),
                "docker" => Docker(command),
                _ when command.Program.StartsWith(CliProject + "/bin/", StringComparison.Ordinal) => BuiltCli(command),
                "kubectl" => Kubectl(command),
                _ when Assignment().IsMatch(command.Program) && command.Words.Count == 1 => [],
                _ => [$"no check knows the command '{command.Program}'"],
            };
            problems.AddRange(found.Select(p => $"{page}: {command}: {p}"));
        }

        Assert.True(DocumentationPages.Commands.Count > 10, $"only {DocumentationPages.Commands.Count} commands found in the docs' bash blocks");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static List<string> Dotnet(ShellCommand command)
    {
        var problems = new List<string>();
        foreach (var backend in command.Words.Where(w => w.StartsWith("-p:TorchBackend=", StringComparison.Ordinal)))
        {
            if (!RepositoryFiles.Text("build/TorchBackend.targets").Contains($"'$(TorchBackend)' == '{backend.Split('=')[1]}'"))
                problems.Add($"{backend} is not a backend build/TorchBackend.targets knows");
        }
        switch (command.Words[1])
        {
            case "run":
                var project = command.Option("--project");
                if (project is null || !Directory.EnumerateFiles(RepositoryFiles.Path(project), "*.csproj").Any()) problems.Add($"no project at '{project}'");
                else if (project == ServiceProject) problems.AddRange(ServiceArguments(command.After("--")));
                else if (project != CliProject) problems.Add($"'{project}' is neither the service nor the CLI");
                break;
            case "build" or "test" when command.Words.Contains("TeEFusion.Service.sln"):
                if (!RepositoryFiles.Text(".ci/run").Contains(string.Join(' ', command.Words), StringComparison.Ordinal))
                    problems.Add("CI (.ci/run) does not run this command");
                break;
            case "build":
                var target = command.Words.Count > 2 && !command.Words[2].StartsWith('-') ? command.Words[2] : null;
                if (target is null && Directory.EnumerateFiles(RepositoryFiles.Root, "*.sln").Count() != 1) problems.Add("the repository root must hold exactly one solution");
                else if (target is not null && !(Directory.Exists(RepositoryFiles.Path(target)) && Directory.EnumerateFiles(RepositoryFiles.Path(target), "*.csproj").Any()))
                    problems.Add($"no project at '{target}'");
                break;
            default:
                problems.Add($"no check for 'dotnet {command.Words[1]}'");
                break;
        }
        return problems;
    }

    // The service takes `--Section:Key value` pairs; each key must be a setting.
    private static IEnumerable<string> ServiceArguments(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i += 2)
        {
            var key = arguments[i];
            if (!key.StartsWith("--", StringComparison.Ordinal) || i + 1 >= arguments.Count) yield return $"'{key}' is not a --Key value pair";
            else if (!AppSettingsKeys.Exists(key[2..])) yield return $"{key[2..]} is no key of appsettings.json";
        }
    }

    private static List<string> Curl(ShellCommand command, ServiceRoutes routes, Dictionary<ShellCommand, RouteEndpoint> endpoints)
    {
        var request = CurlRequest.Parse(command);
        var (method, url, body) = (request.Method, request.Url, request.Body);
        var problems = request.UnknownOptions.Select(o => $"curl option '{o}' has no check").ToList();
        if (!url.StartsWith(BaseAddress + "/", StringComparison.Ordinal)) return [.. problems, $"'{url}' is not under {BaseAddress}, where `dotnet run` serves"];
        // The query (e.g. restore's ?model=) is no part of the route.
        var contentType = request.Form.Count > 0 ? "multipart/form-data" : body is null ? null : "application/json";
        var endpoint = routes.Match(method, url[BaseAddress.Length..].Split('?')[0], contentType);
        if (endpoint is null) return [.. problems, $"the service has no {method} route for {url}"];
        endpoints[command] = endpoint;

        if (request.Form.Count > 0)
        {
            // A form is an edit: the endpoint must take multipart, and each field must be one the edit form reads.
            if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Contains("multipart/form-data") != true)
                problems.Add($"{endpoint.DisplayName} takes no multipart form");
            var fields = ServiceRoutes.JsonNames(typeof(ImageGenerationRequest));
            fields.UnionWith(typeof(ImageEditForm).GetProperties().Select(p => p.GetCustomAttribute<FromFormAttribute>()!.Name!));
            problems.AddRange(request.Form.Where(f => !fields.Contains(f.Name)).Select(f => $"form field '{f.Name}' is no field of an edit"));
            return problems;
        }
        var bodyType = ServiceRoutes.BodyType(endpoint);
        if (body is not null && bodyType is null) problems.Add($"{endpoint.DisplayName} takes no body");
        if (body is not null && bodyType is not null)
        {
            try { JsonSerializer.Deserialize(body, bodyType, ServiceRoutes.StrictJson); }
            catch (JsonException e) { problems.Add($"the body is not a {bodyType.Name}: {e.Message}"); }
        }
        return problems;
    }

    // A pipe reads the response of the curl before it: every member a jq filter names must be one the response has.
    private static List<string> Pipe(ShellCommand command, Dictionary<ShellCommand, RouteEndpoint> endpoints)
    {
        var source = command.PipedFrom;
        while (source is not null && source.Program != "curl") source = source.PipedFrom;
        if (source is null || !endpoints.TryGetValue(source, out var endpoint)) return ["reads no curl response"];
        if (command.Program != "jq") return [];
        if (ServiceRoutes.OkType(endpoint) is not { } response) return [$"{endpoint.DisplayName} documents no 200 body"];
        var names = ServiceRoutes.JsonNames(response);
        return JqMember().Matches(command.Words[^1]).Select(m => m.Groups[1].Value).Where(n => !names.Contains(n))
            .Select(n => $"'{n}' is no member of {response.Name}").ToList();
    }

    // The CLI as `dotnet build src/TeEFusion.Cli -c Release` leaves it: bin/Release/{TargetFramework}/{RuntimeIdentifier}/{AssemblyName}.
    private static List<string> BuiltCli(ShellCommand command)
    {
        var props = RepositoryFiles.Text("Directory.Build.props");
        var assembly = Property(RepositoryFiles.Text(CliProject + "/TeEFusion.Cli.csproj"), "AssemblyName");
        var built = $"{CliProject}/bin/Release/{Property(props, "TargetFramework")}/{Property(props, "RuntimeIdentifier")}/{assembly}";
        return command.Program == built ? [] : [$"the Release build of the CLI is {built}"];
    }

    private static string? Property(string msbuild, string name) =>
        Regex.Match(msbuild, $@"<{name}(?: [^>]*)?>([^<]+)</{name}>") is { Success: true } match ? match.Groups[1].Value : null;

    private static List<string> Docker(ShellCommand command)
    {
        var file = command.Option("-f");
        if (file is null || !File.Exists(RepositoryFiles.Path(file))) return [$"no file '{file}'"];
        if (command.Words[1] == "build") return command.Words[^1] == "." ? [] : ["the build context must be the repository root"];
        if (command.Words[1] != "compose") return [$"no check for 'docker {command.Words[1]}'"];
        var profile = command.Option("--profile");
        var profiles = RepositoryFiles.Yaml(file)[0]["services"]!.AsObject().SelectMany(s => s.Value!["profiles"]?.AsArray() ?? []).Select(p => (string?)p);
        return profile is null || profiles.Contains(profile) ? [] : [$"no service in profile '{profile}'"];
    }

    private static List<string> Kubectl(ShellCommand command)
    {
        var dir = command.Option("-k");
        return command.Words[1] == "apply" && dir is not null && File.Exists(RepositoryFiles.Path(dir + "/kustomization.yaml"))
            ? [] : [$"no kustomization at '{dir}'"];
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\.([a-z_][a-z0-9_]*)")]
    private static partial Regex JqMember();
}
