/**
 * Shared helpers for benchmarks: each `*.bench.ts` default-exports a `Benchmark`.
 *
 * A benchmark measures and `record`s figures (it prints nothing itself); the runner (`run.ts`) runs
 * every benchmark `repeats` times, then prints ONE table (median and spread of each figure over the
 * repetitions, its goal, met/missed) and writes `BENCHMARKS.md` at the repository root.
 */

export interface Benchmark {
  name: string;
  /** How many times the runner calls `run()` (default 3). Each call records one sample per figure. */
  repeats?: number;
  /** Say why the benchmark cannot run (e.g. a missing build); the runner reports it and skips. */
  precondition?(): string | undefined;
  run(context: RunContext): Promise<void> | void;
}

export interface RunContext {
  /** 0-based index of this repetition. */
  repetition: number;
  repeats: number;
}

/** A goal is checked against a figure's median. */
export interface Goal {
  op: "<=" | ">=";
  value: number;
}

export interface RecordOptions {
  unit: string;
  goal?: Goal;
  /** Decimal places when printed (default: 0 for values ≥ 100, 1 for ≥ 10, else 2). */
  digits?: number;
}

export interface Sample {
  benchmark: string;
  figure: string;
  value: number;
  options: RecordOptions;
}

const samples: Sample[] = [];
const notes = new Map<string, string[]>();
let current = "";

/** Used by the runner: which benchmark the following `record`/`note` calls belong to. */
export function setCurrentBenchmark(name: string): void {
  current = name;
}

export function allSamples(): readonly Sample[] {
  return samples;
}

export function allNotes(): ReadonlyMap<string, string[]> {
  return notes;
}

/** Records one sample of a figure (the same figure recorded on every repetition gives the spread). */
export function record(figure: string, value: number, options: RecordOptions): void {
  samples.push({ benchmark: current, figure, value, options });
}

/** A line of context for BENCHMARKS.md (method, what is measured how); recorded once per text. */
export function note(text: string): void {
  const list = notes.get(current) ?? [];
  if (!list.includes(text)) list.push(text);
  notes.set(current, list);
}

/** Progress for the person waiting (stderr: stdout carries only the table). */
export function progress(text: string): void {
  process.stderr.write(`  … ${text}\n`);
}

/**
 * Calls `fn(i)` repeatedly (after a warm-up) until `minMs` have passed; returns calls per second.
 * `fn` should do one unit of work; its result is accumulated so it cannot be optimised away.
 */
export function opsPerSecond(fn: (i: number) => unknown, minMs = 1500): number {
  let sink = 0;
  const consume = (v: unknown) => {
    sink += v === undefined ? 0 : 1;
  };
  const warmUntil = performance.now() + Math.min(300, minMs / 4);
  let i = 0;
  while (performance.now() < warmUntil) consume(fn(i++));
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    for (let k = 0; k < 1000; k++) consume(fn(i++));
    ops += 1000;
    now = performance.now();
  }
  if (sink < 0) console.log(sink);
  return (ops * 1000) / (now - start);
}

/** A throughput figure in operations per second, with an optional `≥ goal`. */
export function report(label: string, value: number, goal?: number): void {
  record(label, value, { unit: "/s", ...(goal === undefined ? {} : { goal: { op: ">=", value: goal } }) });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
