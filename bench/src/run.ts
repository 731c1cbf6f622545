/**
 * Runs every `src/*.bench.ts` (or those whose file name contains one of the arguments), each
 * `repeats` times, prints one table and — for a full run — writes BENCHMARKS.md at the repo root:
 *   pnpm bench                 # all, writes BENCHMARKS.md
 *   pnpm bench execpolicy      # just execpolicy.bench.ts (table only)
 *   BENCH_REPEATS=1 pnpm bench # one repetition each (quick look; spread is then meaningless)
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  allNotes,
  allSamples,
  type Benchmark,
  type Goal,
  median,
  type RecordOptions,
  setCurrentBenchmark,
} from "./harness.js";

const dir = dirname(fileURLToPath(import.meta.url));
const benchDir = resolve(dir, "..");
const repoRoot = resolve(benchDir, "..");
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort(byOrder);

/** Figures in the order of the issue: CLI, app-server, thread store, execpolicy, proxy, history. */
function byOrder(a: string, b: string): number {
  const order = [
    "exec-cli",
    "app-server-startup",
    "app-server-turns",
    "thread-list",
    "execpolicy",
    "network-proxy",
    "message-history",
  ];
  const rank = (f: string) => {
    const i = order.findIndex((o) => f.startsWith(o));
    return i < 0 ? order.length : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(", ")}`);
  process.exit(1);
}

/** Workspace packages whose dist is older than a source file (their figures may be of old code). */
function staleBuilds(): string[] {
  const newest = (dir: string): number => {
    let n = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) n = Math.max(n, newest(full));
      else if (!e.name.endsWith(".test.ts")) n = Math.max(n, statSync(full).mtimeMs);
    }
    return n;
  };
  const stale: string[] = [];
  for (const group of ["packages", "apps"]) {
    const base = join(repoRoot, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const src = join(base, name, "src");
      const dist = join(base, name, "dist", "index.js");
      if (!existsSync(src)) continue;
      if (!existsSync(dist)) stale.push(`${group}/${name} (no dist)`);
      else if (newest(src) > statSync(dist).mtimeMs) stale.push(`${group}/${name}`);
    }
  }
  return stale;
}

function gitHead(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const staleAtStart = staleBuilds();
const headAtStart = gitHead();
const repeatsOverride = process.env.BENCH_REPEATS ? Number(process.env.BENCH_REPEATS) : undefined;
const startedAt = new Date();
const loadAtStart = os.loadavg();
const skipped: Array<{ name: string; reason: string }> = [];
const failed: Array<{ name: string; reason: string }> = [];
const repeatsOf = new Map<string, number>();

for (const file of files) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: Benchmark };
  const bench = mod.default;
  setCurrentBenchmark(bench.name);
  const why = bench.precondition?.();
  if (why !== undefined) {
    process.stderr.write(`${bench.name}: SKIPPED — ${why}\n`);
    skipped.push({ name: bench.name, reason: why });
    continue;
  }
  const repeats = Math.max(1, repeatsOverride ?? bench.repeats ?? 3);
  repeatsOf.set(bench.name, repeats);
  const t0 = performance.now();
  for (let repetition = 0; repetition < repeats; repetition++) {
    process.stderr.write(`${bench.name} (${file}) run ${repetition + 1}/${repeats}\n`);
    try {
      await bench.run({ repetition, repeats });
    } catch (error) {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`${bench.name}: FAILED — ${reason}\n`);
      failed.push({ name: bench.name, reason: reason.split("\n")[0] ?? reason });
      break;
    }
  }
  process.stderr.write(`${bench.name}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}
const elapsedS = (Date.now() - startedAt.getTime()) / 1000;

// ---- aggregate ----------------------------------------------------------------------------

interface Row {
  benchmark: string;
  figure: string;
  options: RecordOptions;
  values: number[];
}
const rows: Row[] = [];
for (const s of allSamples()) {
  let row = rows.find((r) => r.benchmark === s.benchmark && r.figure === s.figure);
  if (!row) {
    row = { benchmark: s.benchmark, figure: s.figure, options: s.options, values: [] };
    rows.push(row);
  }
  row.values.push(s.value);
}

function fmt(value: number, options: RecordOptions): string {
  const digits = options.digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
const withUnit = (text: string, unit: string) =>
  unit === ""
    ? text
    : unit.startsWith("/") || unit === "%" || unit === "×"
      ? `${text}${unit}`
      : `${text} ${unit}`;
const goalText = (goal: Goal | undefined, options: RecordOptions) =>
  goal === undefined
    ? "—"
    : `${goal.op === "<=" ? "≤" : "≥"} ${withUnit(fmt(goal.value, options), options.unit)}`;
const verdict = (goal: Goal | undefined, value: number) =>
  goal === undefined
    ? "—"
    : (goal.op === "<=" ? value <= goal.value : value >= goal.value)
      ? "met"
      : "MISSED";

interface Cells {
  figure: string;
  median: string;
  spread: string;
  n: string;
  goal: string;
  result: string;
}
const header: Cells = {
  figure: "Figure",
  median: "Median",
  spread: "Spread (min–max)",
  n: "n",
  goal: "Goal",
  result: "Result",
};
const cells = (r: Row): Cells => {
  const m = median(r.values);
  const lo = Math.min(...r.values);
  const hi = Math.max(...r.values);
  return {
    figure: r.figure,
    median: withUnit(fmt(m, r.options), r.options.unit),
    spread: r.values.length > 1 ? `${fmt(lo, r.options)}–${fmt(hi, r.options)}` : "(one run)",
    n: String(r.values.length),
    goal: goalText(r.options.goal, r.options),
    result: verdict(r.options.goal, m),
  };
};

const benchmarksInOrder = [...new Set(rows.map((r) => r.benchmark))];

// ---- the one table on stdout ----------------------------------------------------------------

const tableRows: Array<Cells | string> = [];
for (const b of benchmarksInOrder) {
  tableRows.push(b);
  for (const r of rows.filter((x) => x.benchmark === b)) tableRows.push(cells(r));
}
const keys = Object.keys(header) as Array<keyof Cells>;
const width = Object.fromEntries(
  keys.map((k) => [
    k,
    Math.max(header[k].length, ...tableRows.map((r) => (typeof r === "string" ? 0 : r[k].length))),
  ]),
) as Record<keyof Cells, number>;
const line = (c: Cells) =>
  keys.map((k) => (k === "figure" ? c[k].padEnd(width[k]) : c[k].padStart(width[k]))).join("  ");
const rule = "-".repeat(keys.reduce((n, k) => n + width[k] + 2, -2));
console.log(line(header));
console.log(rule);
for (const r of tableRows) console.log(typeof r === "string" ? `[${r}]` : line(r));
for (const s of skipped) console.log(`[${s.name}] SKIPPED: ${s.reason}`);
for (const f of failed) console.log(`[${f.name}] FAILED: ${f.reason}`);
console.log(rule);
console.log(`${elapsedS.toFixed(0)} s in all`);

// ---- BENCHMARKS.md ------------------------------------------------------------------------

if (filters.length > 0) {
  process.stderr.write("(a filtered run: BENCHMARKS.md not written)\n");
} else {
  const cpus = os.cpus();
  const md: string[] = [];
  md.push("# Benchmarks", "");
  md.push(
    "Written by `pnpm bench` (bench/src/run.ts) — do not edit by hand; the analysis at the end comes from",
    "`bench/analysis/*.md`. Benchmarks are not tests: nothing here runs in `pnpm test` or fails CI.",
    "",
  );
  md.push("## Machine and run", "");
  md.push(`- Date: ${startedAt.toISOString()} (whole suite: ${elapsedS.toFixed(0)} s)`);
  md.push(`- CPU: ${cpus[0]?.model ?? "unknown"}, ${cpus.length} cores`);
  md.push(`- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
  md.push(`- Node ${process.version}, ${os.type()} ${os.release()} (${os.arch()})`);
  md.push(
    `- Load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(", ")} (the machine is shared; figures are noisy)`,
  );
  md.push(
    `- Code: git ${headAtStart}; the CLI and app-server figures use the built \`dist/\` (\`pnpm build\`)`,
  );
  md.push(
    staleAtStart.length === 0
      ? "- Every workspace package's dist was newer than its sources at the start of the run"
      : `- Built dist older than its sources at the start of the run (figures may be of older code): ${staleAtStart.join(", ")}`,
  );
  md.push(
    `- Repetitions: ${[...repeatsOf].map(([b, n]) => `${b} ×${n}`).join(", ")}; "n" is the number of samples behind a figure`,
  );
  md.push("");
  md.push("## Figures", "");
  md.push("Median and spread (min–max) over the samples; a goal is checked against the median.", "");
  md.push(
    "| Figure | Median | Spread (min–max) | n | Goal | Result |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
  );
  for (const b of benchmarksInOrder) {
    md.push(`| **${b}** | | | | | |`);
    for (const r of rows.filter((x) => x.benchmark === b)) {
      const c = cells(r);
      md.push(`| ${c.figure} | ${c.median} | ${c.spread} | ${c.n} | ${c.goal} | ${c.result} |`);
    }
  }
  for (const s of skipped) md.push(`| **${s.name}** | skipped: ${s.reason} | | | | |`);
  for (const f of failed) md.push(`| **${f.name}** | failed: ${f.reason.replaceAll("|", "\\|")} | | | | |`);
  md.push("");
  md.push("## How each figure is measured", "");
  for (const [b, list] of allNotes()) {
    md.push(`### ${b}`, "");
    for (const n of list) md.push(`- ${n}`);
    md.push("");
  }
  // The hand-written analysis: one file per topic under bench/analysis/, in name order.
  const analysisDir = join(benchDir, "analysis");
  if (existsSync(analysisDir)) {
    for (const f of readdirSync(analysisDir).filter((n) => n.endsWith(".md")).sort()) {
      md.push(readFileSync(join(analysisDir, f), "utf8").trimEnd(), "");
    }
  }
  writeFileSync(join(repoRoot, "BENCHMARKS.md"), md.join("\n"));
  process.stderr.write(`wrote ${join(repoRoot, "BENCHMARKS.md")}\n`);
}
process.exit(0);
