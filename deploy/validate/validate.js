// Offline checks of docker/ and deploy/ (run by .ci/run): every object of every kustomize rendering (each overlay, and
// each optional component on the cpu overlay) is validated against the Kubernetes schemas (kubernetes-models, and
// @kubernetes-models/prometheus-operator for the Operator's kinds), references between objects resolve, the
// Dockerfiles pass dockerfile-utils' lint and the repository's image rules, compose.yaml's files and profiles are
// consistent, and the alert rules and the dashboard pass their checks (monitoring.js).
// Prints one line per check and closes with `deploy-validate: N passed, N failed`; exits 1 on any failure.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { render } from "./kustomize.js";
import { checkReferences } from "./references.js";
import { lintDockerfile } from "./dockerfiles.js";
import { checkCompose } from "./compose.js";
import { checkDashboard, checkPrometheusRuleMatches, checkRulesWithPromtool } from "./monitoring.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let passed = 0;
let failed = 0;

function report(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`PASS ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const problem of problems) console.log(`     ${problem}`);
  }
}

async function check(name, body) {
  try {
    report(name, await body());
  } catch (error) {
    report(name, [error.message]);
  }
}

// kubernetes-models lays its classes out as <group>/<version>/<Kind>; the core group is plain <version>. The
// Prometheus Operator's kinds come from their own package, laid out the same way.
const crdModels = { "monitoring.coreos.com": "@kubernetes-models/prometheus-operator" };
async function schemaProblems(object) {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : [null, object.apiVersion];
  const module = `${crdModels[group] ?? "kubernetes-models"}/${group ? `${group}/` : ""}${version}/${object.kind}`;
  const { [object.kind]: Model } = await import(module);
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [error.message];
  }
}

const relative = (p) => path.relative(root, p);
const inFolder = (folder) => fs.readdirSync(path.join(root, folder), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(root, folder, e.name));
const renderings = [
  { dir: path.join(root, "deploy/base"), components: [] },
  ...inFolder("deploy/overlays").map((dir) => ({ dir, components: [] })),
  // An optional component no overlay lists is rendered onto the cpu overlay, as an overlay that opts in would be.
  ...inFolder("deploy/components").map((component) => ({ dir: path.join(root, "deploy/overlays/cpu"), components: [component] })),
];
for (const { dir, components } of renderings) {
  let objects = [];
  const notes = [];
  const name = [dir, ...components].map(relative).join(" + ");
  await check(`${name}: renders`, () => {
    objects = render(dir, notes, components).objects;
    return objects.length > 0 ? [] : ["no objects"];
  });
  for (const note of [...new Set(notes)]) console.log(`     note: ${note}`);
  for (const object of objects) {
    await check(`${name}: ${object.kind}/${object.metadata.name} matches the ${object.apiVersion} schema`, () => schemaProblems(object));
  }
  if (objects.length > 0) await check(`${name}: references resolve`, () => checkReferences(objects));
}

for (const name of ["Dockerfile", "Dockerfile.cuda"]) {
  const notes = [];
  await check(`docker/${name}: lint and image rules`, () => lintDockerfile(path.join(root, "docker", name), root, notes));
  for (const note of notes) console.log(`     note: ${note}`);
}
await check("docker/compose.yaml: files, profiles, scrape targets, collector pipelines", () => checkCompose(path.join(root, "docker/compose.yaml")));

const rules = path.join(root, "deploy/base/monitoring/teefusion-rules.yaml");
await check("deploy/base/monitoring/teefusion-rules.yaml: promtool check rules", () => checkRulesWithPromtool(rules));
await check("deploy/components/prometheus-operator: the PrometheusRule's spec is the plain rules file",
  () => checkPrometheusRuleMatches(path.join(root, "deploy/components/prometheus-operator/prometheusrule.yaml"), rules));
await check("deploy/base/monitoring/teefusion-dashboard.json: a Grafana dashboard over the datasource variable",
  () => checkDashboard(path.join(root, "deploy/base/monitoring/teefusion-dashboard.json")));

console.log(`deploy-validate: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
