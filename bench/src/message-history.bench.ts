/**
 * Figure 6: message-history lookup by offset in a 100 MB `history.jsonl` (generated in a temp dir):
 * `metadata()` (log id + entry count) and `lookup(logId, offset)` at the start, middle and end.
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
    const { home, entries } = fixture;
    const history = new MessageHistory({ codexHome: home });
    if (repetition === 0) {
      note(
        `a ${TARGET_BYTES / 2 ** 20} MiB history.jsonl of ${entries.toLocaleString("en-US")} Codex-format entries in a temp dir (page cache warm after the first read); ${SAMPLES_PER_RUN} timed calls of each per repetition, in this process`,
      );
    }
    for (let i = 0; i < SAMPLES_PER_RUN; i++) {
      let meta = { logId: 0, entryCount: 0 };
      record(
        "metadata() (log id + entry count)",
        await ms(async () => {
          meta = await history.metadata();
        }),
        { unit: "ms", digits: 0 },
      );
      if (meta.entryCount !== entries)
        throw new Error(`metadata counted ${meta.entryCount} entries, expected ${entries}`);
      for (const [label, offset] of [
        ["first entry", 0],
        ["middle entry", Math.floor(entries / 2)],
        ["last entry", entries - 1],
      ] as const) {
        let found: unknown = null;
        const t = await ms(async () => {
          found = await history.lookup(meta.logId, offset);
        });
        if (found === null) throw new Error(`lookup(${offset}) found nothing`);
        record(`lookup(offset) — ${label}`, t, { unit: "ms", digits: 1 });
      }
    }
    // The fix proposed for metadata(): count newlines with Buffer#indexOf instead of a byte loop.
    record(
      "newline count with indexOf (proposed metadata() fix)",
      await ms(async () => {
        if (countNewlines(path.join(home, "history.jsonl")) !== entries)
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
