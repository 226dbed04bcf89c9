#!/usr/bin/env node
// Prints the stacks to check as a JSON array, in the `stacks=<json>` form of $GITHUB_OUTPUT.
//   node list-stacks.mjs                 every stack in stacks/ (Pulumi.<stack>.yaml)
//   node list-stacks.mjs --changed BASE  only stacks a change since BASE affects: its own stack
//                                        file or policy config; any change outside stacks/Pulumi.*
//                                        (program, components, driver, lock file) affects them all
// Env: ONLY=<stack> keeps that one; SKIP="a b" drops those (the local target lives on a laptop);
// WITH_STANDBY=true keeps the stacks whose file declares a standby region (a dr block, or regions).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..", "..");
const all = readdirSync(path.join(root, "stacks"))
  .map((file) => file.match(/^Pulumi\.([A-Za-z0-9][A-Za-z0-9_.-]*)\.yaml$/)?.[1])
  .filter(Boolean)
  .sort();

function affected(base) {
  const changed = execFileSync("git", ["diff", "--name-only", `${base}...HEAD`], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
  const own = (file) => file.match(/^stacks\/Pulumi\.([A-Za-z0-9_.-]+?)(\.policy\.json|\.yaml)$/)?.[1];
  const docsOnly = (file) => /\.md$/.test(file) || file.startsWith(".github/");
  if (changed.some((file) => !own(file) && !docsOnly(file))) return all;
  return all.filter((stack) => changed.some((file) => own(file) === stack));
}

const args = process.argv.slice(2);
const base = args[0] === "--changed" ? args[1] : undefined;
const skip = new Set((process.env.SKIP ?? "").split(/[\s,]+/).filter(Boolean));
let stacks = (base ? affected(base) : all).filter((stack) => !skip.has(stack));
if (process.env.ONLY) stacks = stacks.filter((stack) => stack === process.env.ONLY);
// Read as text: this runs before dependencies are installed. A `dr:` or `regions:` key at any depth.
const hasStandby = (stack) => /^\s*(switchyard:dr|dr|regions):/m.test(readFileSync(path.join(root, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
if (process.env.WITH_STANDBY === "true") stacks = stacks.filter(hasStandby);
process.stdout.write(`stacks=${JSON.stringify(stacks)}\n`);
