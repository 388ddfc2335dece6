// Renders the kustomizations under deploy/ the way `kubectl kustomize` does for the features they use (resources,
// namespace, images, strategic-merge patches, secretGenerator from env files). Anything else in a kustomization.yaml
// is an error, so the validator can never silently ignore a part of the real rendering.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { parseAllDocuments } from "yaml";
import { strategicMerge } from "./merge.js";

const supported = new Set(["apiVersion", "kind", "resources", "namespace", "images", "patches", "secretGenerator", "components"]);

export function readYamlObjects(file) {
  const docs = parseAllDocuments(fs.readFileSync(file, "utf8"));
  return docs.map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    return doc.toJS();
  }).filter((value) => value !== null && value !== undefined);
}

// A generator's env file; the committed example stands in for a git-ignored file that holds real secrets.
function readEnvFile(dir, name, notes) {
  let file = path.join(dir, name);
  if (!fs.existsSync(file) && fs.existsSync(file + ".example")) {
    notes.push(`${path.relative(process.cwd(), file)} is absent; rendered with ${name}.example`);
    file += ".example";
  }
  const data = {};
  for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`${file}: '${line}' is not KEY=value`);
    data[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return data;
}

function generateSecret(dir, generator, notes) {
  const data = {};
  for (const env of generator.envs ?? []) Object.assign(data, readEnvFile(dir, env, notes));
  const unknown = Object.keys(generator).filter((k) => !["name", "envs"].includes(k));
  if (unknown.length > 0) throw new Error(`${dir}: secretGenerator field(s) ${unknown.join(", ")} not supported`);
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
  const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: generator.name }, type: "Opaque", data: encoded };
  const hash = crypto.createHash("sha256").update(JSON.stringify(secret)).digest("hex").slice(0, 10);
  return { object: secret, generatedName: `${generator.name}-${hash}` };
}

function setImages(objects, images) {
  for (const object of objects) {
    const pod = object.spec?.template?.spec;
    for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      const [name, tag] = container.image.split(":");
      const rule = images.find((i) => i.name === name);
      if (rule) container.image = `${rule.newName ?? name}:${rule.newTag ?? tag}`;
    }
  }
}

// Generated names carry a content hash; references to them in pod specs follow the rename, as in kustomize.
function renameGenerated(objects, renames) {
  for (const object of objects) {
    const pod = object.spec?.template?.spec;
    for (const container of pod?.containers ?? []) {
      for (const source of container.envFrom ?? []) {
        if (source.secretRef && renames[source.secretRef.name]) source.secretRef.name = renames[source.secretRef.name];
      }
    }
  }
  for (const object of objects) {
    if (renames[object.metadata.name] && object.kind === "Secret") object.metadata.name = renames[object.metadata.name];
  }
}

const sameTarget = (a, b) => a.kind === b.kind && a.metadata?.name === b.metadata?.name;

/** Renders the kustomization in `dir`: { objects, notes } with notes on stand-ins used. */
export function render(dir, notes = []) {
  const file = path.join(dir, "kustomization.yaml");
  const [k] = readYamlObjects(file);
  const unknown = Object.keys(k).filter((key) => !supported.has(key));
  if (unknown.length > 0) throw new Error(`${file}: field(s) ${unknown.join(", ")} not supported by this renderer`);
  if (k.components) throw new Error(`${file}: components are not rendered yet; teach kustomize.js before using them`);

  let objects = [];
  for (const resource of k.resources ?? []) {
    const target = path.join(dir, resource);
    if (fs.statSync(target).isDirectory()) objects.push(...render(target, notes).objects);
    else objects.push(...readYamlObjects(target));
  }
  const renames = {};
  for (const generator of k.secretGenerator ?? []) {
    const { object, generatedName } = generateSecret(dir, generator, notes);
    objects.push(object);
    renames[generator.name] = generatedName;
  }
  for (const patch of k.patches ?? []) {
    if (!patch.path || Object.keys(patch).length !== 1) throw new Error(`${file}: only 'patches: - path: FILE' is supported`);
    for (const patchObject of readYamlObjects(path.join(dir, patch.path))) {
      const index = objects.findIndex((o) => sameTarget(o, patchObject));
      if (index < 0) throw new Error(`${patch.path}: no ${patchObject.kind} '${patchObject.metadata?.name}' to patch`);
      objects[index] = strategicMerge(objects[index], patchObject);
    }
  }
  if (k.images) setImages(objects, k.images);
  if (k.namespace) for (const object of objects) object.metadata.namespace = k.namespace;
  renameGenerated(objects, renames);
  return { objects, notes };
}
