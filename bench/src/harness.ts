/** Shared helpers for benchmarks: each `*.bench.ts` default-exports a `Benchmark`. */

export interface Benchmark {
  name: string;
  run(): Promise<void> | void;
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

export function report(label: string, value: number, goal?: number): void {
  const figure = `${Math.round(value).toLocaleString("en-US")}/s`;
  const verdict = goal === undefined ? "" : value >= goal ? `  (goal ≥ ${goal.toLocaleString("en-US")}/s: met)` : `  (goal ≥ ${goal.toLocaleString("en-US")}/s: NOT met)`;
  console.log(`  ${label.padEnd(52)} ${figure.padStart(14)}${verdict}`);
}
