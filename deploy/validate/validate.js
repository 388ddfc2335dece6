// Offline checks of docker/ and deploy/ (run by .ci/run): every object of every kustomize rendering is validated
// against the Kubernetes schemas (kubernetes-models), references between objects resolve, the Dockerfiles pass
// dockerfile-utils' lint and the repository's image rules, and compose.yaml's files and profiles are consistent.
// Prints one line per check and closes with `deploy-validate: N passed, N failed`; exits 1 on any failure.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { render } from "./kustomize.js";
import { checkReferences } from "./references.js";
import { lintDockerfile } from "./dockerfiles.js";
import { checkCompose } from "./compose.js";

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

// kubernetes-models lays its classes out as <group>/<version>/<Kind>; the core group is plain <version>.
async function schemaProblems(object) {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : [null, object.apiVersion];
  const module = `kubernetes-models/${group ? `${group}/` : ""}${version}/${object.kind}`;
  const { [object.kind]: Model } = await import(module);
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [error.message];
  }
}

const relative = (p) => path.relative(root, p);
const renderings = [path.join(root, "deploy/base"), ...fs.readdirSync(path.join(root, "deploy/overlays")).map((o) => path.join(root, "deploy/overlays", o))];
for (const dir of renderings) {
  let objects = [];
  const notes = [];
  await check(`${relative(dir)}: renders`, () => {
    objects = render(dir, notes).objects;
    return objects.length > 0 ? [] : ["no objects"];
  });
  for (const note of [...new Set(notes)]) console.log(`     note: ${note}`);
  for (const object of objects) {
    await check(`${relative(dir)}: ${object.kind}/${object.metadata.name} matches the ${object.apiVersion} schema`, () => schemaProblems(object));
  }
  if (objects.length > 0) await check(`${relative(dir)}: references resolve`, () => checkReferences(objects));
}

for (const name of ["Dockerfile", "Dockerfile.cuda"]) {
  const notes = [];
  await check(`docker/${name}: lint and image rules`, () => lintDockerfile(path.join(root, "docker", name), root, notes));
  for (const note of notes) console.log(`     note: ${note}`);
}
await check("docker/compose.yaml: files, profiles, scrape targets, collector pipelines", () => checkCompose(path.join(root, "docker/compose.yaml")));

console.log(`deploy-validate: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
