namespace TeEFusion.Service.Tests.Observability;

public sealed class PromQlTests
{
    [Theory]
    [InlineData("histogram_quantile(0.95, sum by (le, model) (rate(teefusion_job_duration_seconds_bucket{model=~\"$model\", outcome=\"succeeded\"}[$__rate_interval])))",
        "teefusion_job_duration_seconds_bucket")]
    [InlineData("sum(rate(http_server_request_duration_seconds_count{http_route=~\"/v1/.*\", http_response_status_code=~\"5..\"}[5m])) / sum(rate(http_server_request_duration_seconds_count[5m])) > 0.05",
        "http_server_request_duration_seconds_count")]
    [InlineData("sum by (model) (rate(a_sum[5m])) / on() group_left() scalar(max(b_capacity)) > 1e3", "a_sum", "b_capacity")]
    [InlineData("max by (instance) (teefusion_queue_depth / teefusion_queue_capacity) > 0.8", "teefusion_queue_depth", "teefusion_queue_capacity")]
    [InlineData("increase(teefusion_distillation_runs_ended_total{state=\"failed\"}[15m]) > 0 unless bool x offset 5m", "teefusion_distillation_runs_ended_total", "x")]
    public void Metric_names_are_the_selectors_not_functions_labels_values_or_numbers(string expression, params string[] expected) =>
        Assert.Equal(expected.Order(), PromQl.MetricNames(expression).Order());

    [Fact]
    public void A_label_values_variable_names_its_metric()
    {
        Assert.Equal("teefusion_model_ready", PromQl.LabelValuesMetric("label_values(teefusion_model_ready, model)"));
        Assert.Null(PromQl.LabelValuesMetric("query_result(up)"));
    }

    [Fact]
    public void A_histogram_is_selected_by_its_suffixes_and_only_families_with_samples_count()
    {
        var scrape = MetricsScrape.Parse("""
            # TYPE h_seconds histogram
            h_seconds_bucket{le="1"} 1
            h_seconds_sum 0.5
            h_seconds_count 1
            # TYPE g gauge
            g{model="m"} 3
            # TYPE c_total counter
            # TYPE quiet gauge
            """);

        Assert.Equal(["g", "h_seconds_bucket", "h_seconds_count", "h_seconds_sum"], scrape.SeriesNames.Order());
        Assert.Equal(["c_total", "h_seconds", "quiet"], scrape.Missing(["h_seconds", "g", "h_seconds_sum", "c_total", "quiet"]));
    }
}
