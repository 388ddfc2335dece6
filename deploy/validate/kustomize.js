// Renders the kustomizations under deploy/ the way `kubectl kustomize` does for the features they use (resources,
// components, namespace, images, strategic-merge patches, secretGenerator from env files, configMapGenerator from
// files). Anything else in a kustomization.yaml is an error, so the validator can never silently ignore a part of the
// real rendering.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { parseAllDocuments } from "yaml";
import { strategicMerge } from "./merge.js";

const supported = new Set(["apiVersion", "kind", "resources", "namespace", "images", "patches", "secretGenerator", "configMapGenerator", "components"]);

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

// A ConfigMap whose keys are the files' names and whose values are their contents, as kustomize's `files:` makes it.
function generateConfigMap(dir, generator) {
  const unknown = Object.keys(generator).filter((k) => !["name", "files", "options"].includes(k));
  const unknownOptions = Object.keys(generator.options ?? {}).filter((k) => !["labels", "disableNameSuffixHash"].includes(k));
  if (unknown.length + unknownOptions.length > 0) throw new Error(`${dir}: configMapGenerator field(s) ${[...unknown, ...unknownOptions].join(", ")} not supported`);
  const data = {};
  for (const file of generator.files ?? []) {
    const resolved = path.resolve(dir, file);
    // kustomize's load restrictor: a kustomization reads no file outside its own folder.
    if (path.relative(dir, resolved).startsWith("..")) throw new Error(`${dir}: ${file} is outside the kustomization's folder`);
    data[path.basename(file)] = fs.readFileSync(resolved, "utf8");
  }
  const labels = generator.options?.labels;
  const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: generator.name, ...(labels ? { labels: { ...labels } } : {}) }, data };
  const hash = crypto.createHash("sha256").update(JSON.stringify(configMap)).digest("hex").slice(0, 10);
  return { object: configMap, generatedName: generator.options?.disableNameSuffixHash ? generator.name : `${generator.name}-${hash}` };
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
    if (renames[object.metadata.name] && ["Secret", "ConfigMap"].includes(object.kind)) object.metadata.name = renames[object.metadata.name];
  }
}

const sameTarget = (a, b) => a.kind === b.kind && a.metadata?.name === b.metadata?.name;

// `patches: - path: FILE`, optionally with a `target` (kind, name) that must name the patch's own object.
function applyPatches(dir, file, patches, objects) {
  for (const patch of patches ?? []) {
    const extra = Object.keys(patch).filter((k) => !["path", "target"].includes(k));
    if (!patch.path || extra.length > 0) throw new Error(`${file}: only 'patches: - path: FILE' (with an optional target) is supported`);
    for (const patchObject of readYamlObjects(path.join(dir, patch.path))) {
      if (patch.target && !sameTarget(patchObject, { kind: patch.target.kind, metadata: { name: patch.target.name } })) {
        throw new Error(`${patch.path}: its target ${patch.target.kind}/${patch.target.name} is not the object it patches`);
      }
      const index = objects.findIndex((o) => sameTarget(o, patchObject));
      if (index < 0) throw new Error(`${patch.path}: no ${patchObject.kind} '${patchObject.metadata?.name}' to patch`);
      objects[index] = strategicMerge(objects[index], patchObject);
    }
  }
}

function readKustomization(dir, kind) {
  const file = path.join(dir, "kustomization.yaml");
  const [k] = readYamlObjects(file);
  const unknown = Object.keys(k).filter((key) => !supported.has(key));
  if (unknown.length > 0) throw new Error(`${file}: field(s) ${unknown.join(", ")} not supported by this renderer`);
  if ((k.kind ?? "Kustomization") !== kind) throw new Error(`${file}: a ${k.kind} where a ${kind} belongs`);
  return { file, k };
}

function loadResources(dir, k, notes) {
  const objects = [];
  for (const resource of k.resources ?? []) {
    const target = path.join(dir, resource);
    if (fs.statSync(target).isDirectory()) objects.push(...render(target, notes).objects);
    else objects.push(...readYamlObjects(target));
  }
  return objects;
}

// A component adds its resources and generators to the kustomization that uses it, and patches what it has so far.
function applyComponent(dir, objects, renames, notes) {
  const { file, k } = readKustomization(dir, "Component");
  if (k.namespace || k.images || k.components) throw new Error(`${file}: namespace, images and components in a component are not rendered`);
  objects.push(...loadResources(dir, k, notes));
  generate(dir, k, objects, renames, notes);
  applyPatches(dir, file, k.patches, objects);
}

function generate(dir, k, objects, renames, notes) {
  for (const generator of k.secretGenerator ?? []) {
    const { object, generatedName } = generateSecret(dir, generator, notes);
    objects.push(object);
    renames[generator.name] = generatedName;
  }
  for (const generator of k.configMapGenerator ?? []) {
    const { object, generatedName } = generateConfigMap(dir, generator);
    objects.push(object);
    renames[generator.name] = generatedName;
  }
}

/**
 * Renders the kustomization in `dir`: { objects, notes } with notes on stand-ins used. `extraComponents` (folders) are
 * rendered after the kustomization's own components, as if it listed them: how the validator renders an optional
 * component that no overlay uses.
 */
export function render(dir, notes = [], extraComponents = []) {
  const { file, k } = readKustomization(dir, "Kustomization");
  // kustomize's order: resources, components, generators, then the transformers (patches, images, namespace).
  const objects = loadResources(dir, k, notes);
  const renames = {};
  for (const component of [...(k.components ?? []).map((c) => path.join(dir, c)), ...extraComponents]) applyComponent(component, objects, renames, notes);
  generate(dir, k, objects, renames, notes);
  applyPatches(dir, file, k.patches, objects);
  if (k.images) setImages(objects, k.images);
  if (k.namespace) for (const object of objects) object.metadata.namespace = k.namespace;
  renameGenerated(objects, renames);
  return { objects, notes };
}
