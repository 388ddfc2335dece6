using System.Text.Json.Nodes;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Observability;

/// <summary>docs/observability.md against what it describes: the dashboard's panels and the alert rules.</summary>
public sealed class ObservabilityDocsTests
{
    private const string Page = "docs/observability.md";

    [Fact]
    public void The_page_lists_every_panel_of_the_dashboard_in_its_order()
    {
        var dashboard = JsonNode.Parse(RepositoryFiles.Text(MonitoringQueries.Dashboard))!;
        var titles = dashboard["panels"]!.AsArray().Select(p => (string)p!["type"]! == "row" ? $"**{p["title"]}**" : (string)p["title"]!).ToList();

        var listed = TableRows(RepositoryFiles.Text(Page), "| panel | what it shows |").Select(cells => cells[0]).ToList();

        Assert.Equal(titles, listed);
    }

    [Fact]
    public void The_page_gives_every_alert_with_its_wait_and_severity()
    {
        var rules = RepositoryFiles.Yaml(MonitoringQueries.Rules)[0]["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray())
            .Select(r => ($"`{r!["alert"]}`", For((string?)r["for"]), (string)r["labels"]!["severity"]!)).ToList();

        var listed = TableRows(RepositoryFiles.Text(Page), "| alert | fires when | for | severity | why this threshold |")
            .Select(cells => (cells[0], cells[2], cells[3])).ToList();

        Assert.Equal(rules, listed);
    }

    // "5m" as the page writes it; no `for` (fires at once) is a dash.
    private static string For(string? duration) => duration is null ? "—" : $"{duration[..^1]} {duration[^1]}";

    // The cells of each row of the table whose header line is `header`.
    private static List<string[]> TableRows(string markdown, string header)
    {
        var lines = markdown.Split('\n');
        var start = Array.IndexOf(lines, header);
        Assert.True(start >= 0, $"{Page} has no table '{header}'");
        return lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim('|').Split(" | ").Select(c => c.Trim()).ToArray()).ToList();
    }
}
