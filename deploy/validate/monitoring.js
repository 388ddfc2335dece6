// The monitoring files under deploy/: the plain rules file passes `promtool check rules` (Debian's `prometheus`
// package; its absence is a failure, never a skip), the PrometheusRule's spec is that file's content, and the Grafana
// dashboard is a well-formed dashboard whose every panel queries Prometheus through the `datasource` variable. (That
// each metric a query names is one the service exports is checked against a real scrape, in
// tests/TeEFusion.Service.Tests/Observability.)
import { spawnSync } from "node:child_process";
import { isDeepStrictEqual } from "node:util";
import fs from "node:fs";
import { readYamlObjects } from "./kustomize.js";

/** Problems `promtool check rules` reports for `file`. */
export function checkRulesWithPromtool(file) {
  const result = spawnSync("promtool", ["check", "rules", file], { encoding: "utf8" });
  if (result.error) return [`promtool could not run (${result.error.code}); install Debian's prometheus package (apt-get install -y prometheus)`];
  return result.status === 0 ? [] : [`promtool check rules failed:`, ...`${result.stdout}${result.stderr}`.trim().split("\n")];
}

/** Problems when the PrometheusRule in `ruleFile` does not carry exactly the groups of the plain rules file `plainFile`. */
export function checkPrometheusRuleMatches(ruleFile, plainFile) {
  const [rule] = readYamlObjects(ruleFile);
  const [plain] = readYamlObjects(plainFile);
  if (rule.kind !== "PrometheusRule") return [`${ruleFile}: not a PrometheusRule`];
  if (isDeepStrictEqual(rule.spec, plain)) return [];
  const names = (groups) => (groups ?? []).flatMap((g) => (g.rules ?? []).map((r) => `${g.name}/${r.alert ?? r.record}`));
  const plainRules = new Map(names(plain.groups).map((n, i) => [n, plain.groups.flatMap((g) => g.rules)[i]]));
  const problems = ["the PrometheusRule's spec differs from the plain rules file"];
  rule.spec.groups?.flatMap((g) => g.rules.map((r) => [`${g.name}/${r.alert ?? r.record}`, r])).forEach(([name, r]) => {
    if (!plainRules.has(name)) problems.push(`${name}: only in the PrometheusRule`);
    else if (!isDeepStrictEqual(r, plainRules.get(name))) problems.push(`${name}: differs`);
    plainRules.delete(name);
  });
  for (const name of plainRules.keys()) problems.push(`${name}: only in the plain rules file`);
  return problems;
}

/** Problems with the Grafana dashboard JSON in `file`. */
export function checkDashboard(file) {
  const problems = [];
  const dashboard = JSON.parse(fs.readFileSync(file, "utf8"));
  for (const field of ["uid", "title", "schemaVersion", "panels"]) if (dashboard[field] === undefined) problems.push(`no '${field}'`);
  const variables = new Map((dashboard.templating?.list ?? []).map((v) => [v.name, v]));
  if (variables.get("datasource")?.type !== "datasource" || variables.get("datasource")?.query !== "prometheus") problems.push("no Prometheus `datasource` variable");
  if (variables.get("model")?.type !== "query") problems.push("no `model` query variable");
  const ids = new Set();
  for (const panel of dashboard.panels ?? []) {
    if (ids.has(panel.id)) problems.push(`panel id ${panel.id} used twice`);
    ids.add(panel.id);
    const { x, y, w, h } = panel.gridPos ?? {};
    if (![x, y, w, h].every(Number.isInteger) || x + w > 24) problems.push(`${panel.title}: gridPos outside the 24-column grid`);
    if (panel.type === "row") continue;
    if (!panel.title) problems.push(`panel ${panel.id}: no title`);
    if (panel.datasource?.uid !== "${datasource}") problems.push(`${panel.title}: not on the datasource variable`);
    if ((panel.targets ?? []).length === 0) problems.push(`${panel.title}: no query`);
    for (const target of panel.targets ?? []) {
      if (!target.expr?.trim()) problems.push(`${panel.title}: target ${target.refId} has no expr`);
      const open = (target.expr.match(/[({[]/g) ?? []).length;
      const close = (target.expr.match(/[)}\]]/g) ?? []).length;
      if (open !== close) problems.push(`${panel.title}: target ${target.refId} has unbalanced brackets`);
    }
  }
  return problems;
}
