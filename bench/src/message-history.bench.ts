/**
 * Figure 6: message-history lookup by offset in a 100 MB `history.jsonl` (generated in a temp dir):
 * `metadata()` (log id + entry count) and `lookup(logId, offset)` at the start, middle and end, each
 * on a new instance (first call in a process: scans the file) and on an instance that has already
 * read it (its line index in place), plus `metadata()` after another writer appended a line.
 * No goal is set for this figure in the issue; the figures are recorded for comparison.
 */
import { closeSync, openSync, readSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { MessageHistory } from "@codex-ts/message-history";
import { type Benchmark, note, progress, record } from "./harness.js";
import { removeDir, tempDir } from "./support.js";

const TARGET_BYTES = 100 * 1024 * 1024;
const SAMPLES_PER_RUN = 3;

let fixture: { home: string; entries: number } | undefined;

function makeHistory(): { home: string; entries: number } {
  const home = tempDir("history");
  const fd = openSync(path.join(home, "history.jsonl"), "w", 0o600);
  const t0 = performance.now();
  let bytes = 0;
  let entries = 0;
  const batch: string[] = [];
  while (bytes < TARGET_BYTES) {
    const text = `prompt ${entries}: please ${["fix", "explain", "refactor", "test"][entries % 4]} the code in src/module${entries % 331}.ts and keep the public API stable ${"…".repeat(entries % 40)}`;
    const l = `${JSON.stringify({ session_id: `01a1fe48-5f01-77f1-83d8-${String(entries % 1000).padStart(12, "0")}`, ts: 1_760_000_000 + entries, text })}\n`;
    batch.push(l);
    bytes += Buffer.byteLength(l);
    entries++;
    if (batch.length === 10_000) writeSync(fd, batch.splice(0).join(""));
  }
  if (batch.length > 0) writeSync(fd, batch.join(""));
  closeSync(fd);
  progress(
    `wrote a ${(statSync(path.join(home, "history.jsonl")).size / 2 ** 20).toFixed(0)} MiB history (${entries.toLocaleString("en-US")} entries) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { home, entries };
}

/** Counts newline bytes of a file in 1 MiB reads with `indexOf` (prototype of the metadata() fix). */
function countNewlines(file: string): number {
  const fd = openSync(file, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  let count = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return count;
      const chunk = buf.subarray(0, n);
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
    }
  } finally {
    closeSync(fd);
  }
}

async function ms(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const benchmark: Benchmark = {
  name: "message-history: 100 MB history.jsonl",
  repeats: 3,
  async run({ repetition, repeats }) {
    fixture ??= makeHistory();
    const current = fixture;
    const { home } = current;
    const writer = new MessageHistory({ codexHome: home });
    if (repetition === 0) {
      note(
        `a ${TARGET_BYTES / 2 ** 20} MiB history.jsonl of ${current.entries.toLocaleString("en-US")} Codex-format entries in a temp dir (page cache warm after the first read); ${SAMPLES_PER_RUN} timed calls of each per repetition, in this process. "First call in a process" = a new MessageHistory instance (no line index yet); "after metadata()" = the instance that just ran metadata() (its index of every 256th line start is in place); one line is appended by a second instance before each "after another writer appended" sample`,
      );
    }
    const offsets = (count: number) =>
      [
        ["first entry", 0],
        ["middle entry", Math.floor(count / 2)],
        ["last entry", count - 1],
      ] as const;
    for (let i = 0; i < SAMPLES_PER_RUN; i++) {
      // As a client uses it: one instance, metadata() at start, then lookups (up-arrow recall).
      const history = new MessageHistory({ codexHome: home });
      let meta = { logId: 0, entryCount: 0 };
      record(
        "metadata() (log id + entry count), first call in a process",
        await ms(async () => {
          meta = await history.metadata();
        }),
        { unit: "ms", digits: 0 },
      );
      if (meta.entryCount !== current.entries)
        throw new Error(`metadata counted ${meta.entryCount} entries, expected ${current.entries}`);
      record(
        "metadata(), repeated (file unchanged)",
        await ms(async () => {
          meta = await history.metadata();
        }),
        { unit: "ms", digits: 2 },
      );
      // Another writer (as another Codex process would) appends one prompt.
      const appended = await writer.appendText(
        "01a1fe48-5f01-77f1-83d8-bench0000000",
        `appended prompt ${i}`,
      );
      if (!appended.ok) throw new Error(`append failed: ${appended.error}`);
      current.entries++;
      record(
        "metadata(), repeated after another writer appended a line",
        await ms(async () => {
          meta = await history.metadata();
        }),
        { unit: "ms", digits: 2 },
      );
      if (meta.entryCount !== current.entries)
        throw new Error(
          `metadata counted ${meta.entryCount} entries after an append, expected ${current.entries}`,
        );
      for (const [label, offset] of offsets(meta.entryCount)) {
        let found: unknown = null;
        const t = await ms(async () => {
          found = await history.lookup(meta.logId, offset);
        });
        if (found === null) throw new Error(`lookup(${offset}) found nothing`);
        record(`lookup(offset) — ${label}, after metadata()`, t, { unit: "ms", digits: 2 });
      }
      // A lookup on an instance that has not read the file yet (no metadata() call before).
      for (const [label, offset] of offsets(meta.entryCount)) {
        const fresh = new MessageHistory({ codexHome: home });
        let found: unknown = null;
        const t = await ms(async () => {
          found = await fresh.lookup(meta.logId, offset);
        });
        if (found === null) throw new Error(`lookup(${offset}) on a new instance found nothing`);
        record(`lookup(offset) — ${label}, first call in a process`, t, { unit: "ms", digits: 1 });
      }
    }
    // Floor for a first metadata() call: read the whole file and count newlines, nothing else.
    record(
      "baseline: read + count newlines with indexOf (1 MiB sync reads)",
      await ms(async () => {
        if (countNewlines(path.join(home, "history.jsonl")) !== current.entries)
          throw new Error("indexOf count differs");
      }),
      { unit: "ms", digits: 0 },
    );
    if (repetition === repeats - 1) {
      removeDir(home);
      fixture = undefined;
    }
  },
};
export default benchmark;
