// .dockerignore as the builder reads it: patterns in order, `!` re-includes, `*` within a path segment, `**` across
// segments, a pattern also excluding everything under the folder it names. Used to check that no COPY source is
// left out of the build context.
import fs from "node:fs";
import path from "node:path";

function toRegex(pattern) {
  const body = pattern.replace(/^\/+|\/+$/g, "").split("/").map((segment) =>
    segment === "**" ? ".*" : segment.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")).join("/");
  return new RegExp(`^${body.replace(/\.\*\//g, "(?:.*/)?")}(?:/.*)?$`);
}

/** A predicate telling whether a context-relative path is excluded by `root`/.dockerignore. */
export function readDockerignore(root) {
  const file = path.join(root, ".dockerignore");
  const rules = fs.existsSync(file)
    ? fs.readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => ({ include: l.startsWith("!"), regex: toRegex(l.replace(/^!/, "")) }))
    : [];
  return (relative) => {
    let excluded = false;
    const clean = relative.replace(/^\.\/|\/+$/g, "");
    for (const rule of rules) if (rule.regex.test(clean)) excluded = !rule.include;
    return excluded;
  };
}
