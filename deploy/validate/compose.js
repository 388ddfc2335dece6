// docker/compose.yaml and the config files it mounts: files exist, the profiles are there, the GPU service asks
// for a GPU, Prometheus scrapes a name the network knows, the collector's pipelines use declared components.
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

function checkPrometheus(file, hosts, problems) {
  const [config] = readYamlObjects(file);
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

  for (const [name, service] of Object.entries(services)) {
    if (service.build) {
      const dockerfile = path.join(dir, service.build.context, service.build.dockerfile);
      if (!fs.existsSync(dockerfile)) problems.push(`${name}: ${service.build.dockerfile} not found from context ${service.build.context}`);
    }
    for (const volume of service.volumes ?? []) {
      const source = volume.split(":")[0];
      if (!source.startsWith(".")) continue;
      const mounted = path.join(dir, source);
      if (!fs.existsSync(mounted)) { problems.push(`${name}: mounted file ${source} missing`); continue; }
      if (name === "otel-collector") checkCollector(mounted, problems);
      if (name === "prometheus") checkPrometheus(mounted, hosts, problems);
    }
    if ((service.profiles ?? []).includes("gpu")) {
      const devices = service.deploy?.resources?.reservations?.devices ?? [];
      if (!devices.some((d) => d.driver === "nvidia" && (d.capabilities ?? []).includes("gpu"))) problems.push(`${name}: the gpu profile reserves no NVIDIA GPU`);
    }
  }
  return problems;
}
