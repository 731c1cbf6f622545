/**
 * Hook runs of each turn (`Turn.hookRuns`). Codex does not write hook runs into rollouts, so the
 * app-server keeps them in a sidecar file per thread: `<codexHome>/app-server/hook-runs/<threadId>.jsonl`,
 * one `{ turnId, run }` line per completed run. Lines that do not validate are skipped.
 */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { v2 } from "@codex-ts/protocol";
import * as z from "zod";

const Line = z.object({ turnId: z.string(), run: v2.HookRunSummary });

export type HookRunsByTurn = Map<string, v2.HookRunSummary[]>;

export function hookRunsFile(codexHome: string, threadId: string): string {
  return path.join(codexHome, "app-server", "hook-runs", `${encodeURIComponent(threadId)}.jsonl`);
}

/** Reads a thread's persisted hook runs (empty when there are none or the file is unreadable). */
export function readHookRuns(codexHome: string, threadId: string): HookRunsByTurn {
  const runs: HookRunsByTurn = new Map();
  let text: string;
  try {
    text = readFileSync(hookRunsFile(codexHome, threadId), "utf8");
  } catch {
    return runs;
  }
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      continue;
    }
    const parsed = Line.safeParse(value);
    if (!parsed.success) continue;
    addRun(runs, parsed.data.turnId, parsed.data.run);
  }
  return runs;
}

/** Adds (or replaces, by run id) one run of a turn. */
export function addRun(runs: HookRunsByTurn, turnId: string, run: v2.HookRunSummary): void {
  const list = runs.get(turnId) ?? [];
  const index = list.findIndex((existing) => existing.id === run.id);
  if (index >= 0) list[index] = run;
  else list.push(run);
  runs.set(turnId, list);
}

/** Appends runs to a thread's sidecar file; returns an error message instead of throwing. */
export function appendHookRuns(codexHome: string, threadId: string, entries: { turnId: string; run: v2.HookRunSummary }[]): string | undefined {
  if (entries.length === 0) return undefined;
  const file = hookRunsFile(codexHome, threadId);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""), { mode: 0o600 });
    return undefined;
  } catch (error) {
    return `cannot persist hook runs to ${file}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * A completed hook run of a loaded thread: kept in `runs` and appended to the sidecar in `codexHome`
 * (null: an ephemeral thread, nothing written). Returns an error message instead of throwing.
 */
export function recordHookRun(runs: HookRunsByTurn, codexHome: string | null, threadId: string, turnId: string, run: v2.HookRunSummary): string | undefined {
  addRun(runs, turnId, run);
  return codexHome ? appendHookRuns(codexHome, threadId, [{ turnId, run }]) : undefined;
}

/** Turns with their hook runs attached (`hookRuns`, an experimental field). */
export function withHookRuns<T extends { id: string }>(turns: T[], runs: HookRunsByTurn): (T & { hookRuns: v2.HookRunSummary[] })[] {
  return turns.map((turn) => ({ ...turn, hookRuns: runs.get(turn.id) ?? [] }));
}
