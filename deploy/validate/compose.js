// docker/compose.yaml and the config files it mounts: files exist, the profiles are there, the GPU service asks
// for a GPU, Prometheus scrapes a name the network knows and loads rule files that are mounted, the collector's
// pipelines use declared components, and Grafana starts with both profiles, its provisioning is well-formed, its data
// source is a compose service and its dashboard provider's folder holds a mounted dashboard.
import fs from "node:fs";
import path from "node:path";
import { readYamlObjects } from "./kustomize.js";

function checkCollector(file, problems) {
  const [config] = readYamlObjects(file);
  for (const [name, pipeline] of Object.entries(config.service?.pipelines ?? {})) {
    for (const part of ["receivers", "processors", "exporters"]) {
      for (const used of pipeline[part] ?? []) {
        if (!(used in (config[part] ?? {}))) problems.push(`${path.basename(file)}: pipeline ${name} uses undeclared ${part} '${used}'`);
      }
    }
  }
}

// Each volume's host path (resolved from compose.yaml's folder) by its path in the container.
function mounts(dir, service) {
  const byTarget = new Map();
  for (const volume of service.volumes ?? []) {
    const [source, target] = volume.split(":");
    if (source.startsWith(".")) byTarget.set(target, path.join(dir, source));
  }
  return byTarget;
}

// The host file or folder behind a container path: under a mounted folder, or a mounted file itself.
function hostPath(byTarget, containerPath) {
  for (const [target, source] of byTarget) {
    if (containerPath === target) return source;
    if (containerPath.startsWith(target + "/")) return path.join(source, containerPath.slice(target.length + 1));
  }
  return null;
}

// Prometheus' rule_files are globs over container paths; each must match a mounted file.
function checkRuleFiles(config, byTarget, problems) {
  for (const pattern of config.rule_files ?? []) {
    const folder = path.posix.dirname(pattern);
    const glob = new RegExp("^" + path.posix.basename(pattern).replace(/[.]/g, "\\.").replace(/\*/g, ".*") + "$");
    const matched = [...byTarget.keys()].filter((target) => path.posix.dirname(target) === folder && glob.test(path.posix.basename(target)));
    if (matched.length === 0) problems.push(`prometheus: rule_files '${pattern}' matches no mounted file`);
  }
}

function checkGrafana(name, service, byTarget, hosts, problems) {
  const [image, tag] = (service.image ?? "").split(":");
  if (image !== "grafana/grafana" || !tag || tag === "latest") problems.push(`${name}: image '${service.image}' is not grafana/grafana at a pinned tag`);
  const profiles = service.profiles ?? [];
  if (profiles.length > 0 && !["cpu", "gpu"].every((p) => profiles.includes(p))) problems.push(`${name}: does not start with both the cpu and the gpu profile`);
  const provisioning = hostPath(byTarget, "/etc/grafana/provisioning");
  if (!provisioning) { problems.push(`${name}: nothing mounted at /etc/grafana/provisioning`); return; }
  const datasources = fs.readdirSync(path.join(provisioning, "datasources")).flatMap((f) => readYamlObjects(path.join(provisioning, "datasources", f)));
  const prometheus = datasources.flatMap((d) => d.datasources ?? []).filter((d) => d.type === "prometheus");
  if (prometheus.length === 0) problems.push(`${name}: no Prometheus data source provisioned`);
  for (const source of prometheus) {
    if (!source.name || !source.url) problems.push(`${name}: data source without name or url`);
    else if (!hosts.has(new URL(source.url).hostname)) problems.push(`${name}: data source url ${source.url} is no compose service`);
  }
  const providers = fs.readdirSync(path.join(provisioning, "dashboards")).flatMap((f) => readYamlObjects(path.join(provisioning, "dashboards", f)))
    .flatMap((d) => d.providers ?? []);
  if (providers.length === 0) problems.push(`${name}: no dashboard provider provisioned`);
  for (const provider of providers) {
    if (provider.type !== "file" || !provider.options?.path) { problems.push(`${name}: provider '${provider.name}' is not a file provider with options.path`); continue; }
    const dashboards = [...byTarget.keys()].filter((t) => t.startsWith(provider.options.path + "/") && t.endsWith(".json"));
    if (dashboards.length === 0) problems.push(`${name}: no dashboard JSON mounted under ${provider.options.path}`);
    for (const dashboard of dashboards) JSON.parse(fs.readFileSync(byTarget.get(dashboard), "utf8"));
  }
}

function checkPrometheus(file, hosts, byTarget, problems) {
  const [config] = readYamlObjects(file);
  checkRuleFiles(config, byTarget, problems);
  const jobs = config.scrape_configs ?? [];
  if (jobs.length === 0) problems.push(`${path.basename(file)}: no scrape_configs`);
  for (const job of jobs) {
    for (const target of (job.static_configs ?? []).flatMap((c) => c.targets ?? [])) {
      if (!hosts.has(target.split(":")[0])) problems.push(`${path.basename(file)}: target '${target}' is no compose service or alias`);
    }
  }
}

/** Returns a list of problems with `file` (a compose file) and the files it mounts. */
export function checkCompose(file) {
  const problems = [];
  const dir = path.dirname(file);
  const [compose] = readYamlObjects(file);
  const services = compose.services ?? {};
  const hosts = new Set(Object.keys(services));
  for (const service of Object.values(services)) {
    for (const alias of Object.values(service.networks ?? {}).flatMap((n) => n?.aliases ?? [])) hosts.add(alias);
  }
  const profiles = new Set(Object.values(services).flatMap((s) => s.profiles ?? []));
  for (const wanted of ["cpu", "gpu"]) if (!profiles.has(wanted)) problems.push(`no service in profile '${wanted}'`);
  if (!services.grafana) problems.push("no grafana service");

  for (const [name, service] of Object.entries(services)) {
    if (service.build) {
      const dockerfile = path.join(dir, service.build.context, service.build.dockerfile);
      if (!fs.existsSync(dockerfile)) problems.push(`${name}: ${service.build.dockerfile} not found from context ${service.build.context}`);
    }
    const byTarget = mounts(dir, service);
    const missing = [...byTarget.values()].filter((mounted) => !fs.existsSync(mounted));
    for (const mounted of missing) problems.push(`${name}: mounted file ${path.relative(dir, mounted)} missing`);
    if (missing.length === 0) {
      if (name === "otel-collector") checkCollector(hostPath(byTarget, "/etc/otelcol/config.yaml"), problems);
      if (name === "prometheus") checkPrometheus(hostPath(byTarget, "/etc/prometheus/prometheus.yml"), hosts, byTarget, problems);
      if (name === "grafana") checkGrafana(name, service, byTarget, hosts, problems);
    }
    if ((service.profiles ?? []).includes("gpu")) {
      const devices = service.deploy?.resources?.reservations?.devices ?? [];
      if (!devices.some((d) => d.driver === "nvidia" && (d.capabilities ?? []).includes("gpu"))) problems.push(`${name}: the gpu profile reserves no NVIDIA GPU`);
    }
  }
  return problems;
}
