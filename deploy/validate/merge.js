// Strategic merge as kustomize applies it to the patches in deploy/overlays: maps merge key by key, lists of named
// things merge by their Kubernetes patch merge key, every other list is replaced. Directives ($patch, $retainKeys)
// are not used in this repository and are refused rather than half-supported.

const mergeKeys = {
  containers: "name",
  initContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
};

const isMap = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

export function strategicMerge(base, patch, field = "") {
  if (isMap(patch)) {
    for (const key of Object.keys(patch)) {
      if (key.startsWith("$")) throw new Error(`strategic-merge directive '${key}' is not supported (at '${field}')`);
    }
    if (!isMap(base)) return structuredClone(patch);
    const merged = structuredClone(base);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = key in merged ? strategicMerge(merged[key], value, key) : structuredClone(value);
    }
    return merged;
  }
  if (Array.isArray(patch) && Array.isArray(base) && mergeKeys[field]) {
    const key = mergeKeys[field];
    const merged = structuredClone(base);
    for (const item of patch) {
      const index = merged.findIndex((existing) => existing[key] === item[key]);
      if (index >= 0) merged[index] = strategicMerge(merged[index], item, "");
      else merged.push(structuredClone(item));
    }
    return merged;
  }
  return structuredClone(patch);
}
