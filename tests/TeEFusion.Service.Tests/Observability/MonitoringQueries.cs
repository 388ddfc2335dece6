using System.Text.Json.Nodes;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Observability;

/// <summary>Every Prometheus query the repository ships: the Grafana dashboard's panels and variables, and the alert rules.</summary>
public static class MonitoringQueries
{
    public const string Dashboard = "deploy/base/monitoring/teefusion-dashboard.json";

    public const string Rules = "deploy/base/monitoring/teefusion-rules.yaml";

    /// <summary>(where, the metric names it reads) for each query; where is a panel title, a variable or an alert.</summary>
    public static IReadOnlyList<(string Where, IReadOnlySet<string> Metrics)> All()
    {
        var dashboard = JsonNode.Parse(RepositoryFiles.Text(Dashboard))!;
        var queries = new List<(string, IReadOnlySet<string>)>();
        foreach (var panel in Panels(dashboard["panels"]!.AsArray()))
        {
            foreach (var target in panel["targets"]?.AsArray() ?? [])
                queries.Add(($"panel '{panel["title"]}' {target!["refId"]}", PromQl.MetricNames((string)target["expr"]!)));
        }
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().Where(v => (string?)v!["type"] == "query"))
        {
            var metric = PromQl.LabelValuesMetric((string)variable!["query"]!["query"]!);
            queries.Add(($"variable '{variable["name"]}'", metric is null ? new HashSet<string>() : new HashSet<string> { metric }));
        }
        foreach (var group in RepositoryFiles.Yaml(Rules)[0]["groups"]!.AsArray())
        {
            foreach (var rule in group!["rules"]!.AsArray())
                queries.Add(($"alert {rule!["alert"]}", PromQl.MetricNames((string)rule["expr"]!)));
        }
        return queries;
    }

    // A collapsed row keeps its panels inside it.
    private static IEnumerable<JsonNode> Panels(JsonArray panels) =>
        panels.SelectMany(p => new[] { p! }.Concat(p!["panels"] is JsonArray inner ? Panels(inner) : []));
}
