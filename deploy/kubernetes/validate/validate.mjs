// Validates rendered Kubernetes manifests offline, in two independent ways, and exits 1 on any problem:
//  1. each object against the Kubernetes API's OpenAPI schemas (types, required fields, enums, formats), with the
//     validators that the kubernetes-models package generates from them;
//  2. each object as a TypeScript literal of its kubernetes-types type, compiled with tsc: this also rejects fields
//     the API does not know (a misspelt "readinesProbe"), which the API server would drop without a word.
// Usage: node validate.mjs rendered.yaml [more.yaml ...]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));

// apiVersion/kind -> the kubernetes-types module and type name (KServe's from kserve.d.ts beside this file).
const isKServe = (apiVersion, kind) =>
  (apiVersion === "serving.kserve.io/v1beta1" && kind === "InferenceService")
  || (apiVersion === "serving.kserve.io/v1alpha1" && kind === "ClusterServingRuntime");

const typeModule = (apiVersion, kind) =>
  isKServe(apiVersion, kind)
    ? "../kserve.js" // from the generated file's directory, below this one
    : `kubernetes-types/${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}`;

async function schemaProblems(object) {
  const { apiVersion, kind } = object;
  if (isKServe(apiVersion, kind)) {
    // No schema package for KServe: its pod-level parts are checked against the core schemas.
    const { Container } = await import("kubernetes-models/v1/Container");
    const { ObjectMeta } = await import("@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta");
    const parts = [["metadata", ObjectMeta, object.metadata]];
    const containers = kind === "ClusterServingRuntime"
      ? [["spec.containers", object.spec?.containers]]
      : [["spec.predictor.containers", object.spec?.predictor?.containers]];
    for (const [path, list] of containers) {
      for (const [i, container] of (list ?? []).entries()) {
        parts.push([`${path}[${i}]`, Container, container]);
      }
    }
    return parts.flatMap(([where, Model, data]) => attempt(() => new Model(data).validate(), where));
  }
  const module = `kubernetes-models/${apiVersion}/${kind}`;
  let Model;
  try {
    Model = (await import(module))[kind];
  } catch {
    return [`no schema for ${apiVersion} ${kind} (${module})`];
  }
  return attempt(() => new Model(object).validate(), "");
}

function attempt(validate, where) {
  try {
    validate();
    return [];
  } catch (error) {
    return [`${where ? where + ": " : ""}${error.message}`];
  }
}

function typeProblems(objects) {
  const work = mkdtempSync(join(here, ".check-")); // beside node_modules, where tsc resolves kubernetes-types
  try {
    const imports = new Map();
    const lines = [];
    const owners = []; // line number (1-based) -> object index
    const emit = (text, owner) => {
      for (const line of text.split("\n")) {
        lines.push(line);
        owners.push(owner);
      }
    };
    objects.forEach((object, i) => {
      const module = typeModule(object.apiVersion, object.kind);
      const alias = `${object.kind}_${imports.size}`;
      if (!imports.has(`${module}#${object.kind}`)) {
        imports.set(`${module}#${object.kind}`, alias);
      }
      emit(`export const object${i}: ${imports.get(`${module}#${object.kind}`)} = ${JSON.stringify(object, null, 2)};`, i);
    });
    const header = [...imports].map(([key, alias]) => {
      const [module, kind] = key.split("#");
      return `import type { ${kind} as ${alias} } from ${JSON.stringify(module)};`;
    });
    const source = join(work, "manifests.ts");
    writeFileSync(source, [...header, ...lines].join("\n") + "\n");
    const tsc = join(here, "node_modules", ".bin", "tsc");
    const args = ["--noEmit", "--strict", "--pretty", "false", "--types", "", "--lib", "es2022", "--module", "preserve",
      "--moduleResolution", "bundler", source];
    let output = "";
    try {
      execFileSync(tsc, args, { cwd: here, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      output = `${error.stdout ?? ""}${error.stderr ?? ""}`;
      if (!output.trim()) {
        throw error;
      }
    }
    const problems = objects.map(() => []);
    const all = [...header, ...lines];
    for (const match of output.matchAll(/^.*manifests\.ts\((\d+),(\d+)\): error (TS\d+): (.*)$/gm)) {
      const line = Number(match[1]);
      const owner = owners[line - 1 - header.length];
      const text = all[line - 1].trim();
      (owner === undefined ? (problems.header ??= []) : problems[owner]).push(`${match[4]} (at \`${text}\`)`);
    }
    if (problems.header || (output.trim() && problems.every((p) => p.length === 0))) {
      throw new Error(`tsc failed on the generated type check:\n${output}${(problems.header ?? []).join("\n")}`);
    }
    return problems;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs rendered.yaml [more.yaml ...]");
  process.exit(2);
}
const objects = [];
const sources = [];
let failed = 0;
for (const file of files) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"), { uniqueKeys: true })) {
    if (document.errors.length > 0) {
      console.log(`FAIL ${file}: ${document.errors.map((e) => e.message).join("; ")}`);
      failed++;
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) {
      continue;
    }
    objects.push(object);
    sources.push(`${file}: ${object.kind ?? "?"}/${object.metadata?.name ?? "?"}`);
  }
}
const types = typeProblems(objects);
for (const [i, object] of objects.entries()) {
  const problems = [...(await schemaProblems(object)), ...types[i]];
  if (problems.length > 0) {
    failed++;
    console.log(`FAIL ${sources[i]}`);
    for (const problem of problems) {
      console.log(`     ${problem}`);
    }
  } else {
    console.log(`ok   ${sources[i]}`);
  }
}
console.log(`validate: ${objects.length} object(s), ${failed} with problems`);
process.exit(failed > 0 ? 1 : 0);
