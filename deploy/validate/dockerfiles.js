// Dockerfile lint (dockerfile-utils, the linter behind the VS Code Docker extension) plus the repository's own
// rules for its images: non-root, a HEALTHCHECK, SIGTERM as the stop signal, and COPY sources that exist.
import fs from "node:fs";
import path from "node:path";
import { validate } from "dockerfile-utils";
import { readDockerignore } from "./dockerignore.js";

const instructions = (text) =>
  text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));

/**
 * Returns a list of problems for one Dockerfile; `root` is the build context (the repository root). A missing
 * models/ source is a note, not a problem: the bundled model is produced by separate work and may not be checked out.
 */
export function lintDockerfile(file, root, notes = []) {
  const text = fs.readFileSync(file, "utf8");
  const problems = validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  const lines = instructions(text);
  const runtime = lines.slice(lines.findLastIndex((l) => /^FROM\s/i.test(l)));
  const user = runtime.filter((l) => /^USER\s/i.test(l)).at(-1);
  if (!user || /^USER\s+(root|0)(:|\s|$)/i.test(user)) problems.push("the final stage does not switch to a non-root USER");
  if (!runtime.some((l) => /^HEALTHCHECK\s+.*\/health\/live/i.test(l))) problems.push("the final stage has no HEALTHCHECK on /health/live");
  if (!runtime.some((l) => /^STOPSIGNAL\s+SIGTERM$/i.test(l))) problems.push("the final stage does not set STOPSIGNAL SIGTERM");
  const ignored = readDockerignore(root);
  for (const line of lines.filter((l) => /^COPY\s/i.test(l) && !/--from=/i.test(l))) {
    const parts = line.split(/\s+/).slice(1).filter((p) => !p.startsWith("--"));
    for (const source of parts.slice(0, -1)) {
      if (ignored(source)) problems.push(`COPY source '${source}' is excluded from the build context by .dockerignore`);
      if (fs.existsSync(path.join(root, source))) continue;
      if (source.startsWith("models/")) notes.push(`${path.basename(file)}: COPY source '${source}' is not in this checkout`);
      else problems.push(`COPY source '${source}' does not exist in the build context`);
    }
  }
  return problems;
}
