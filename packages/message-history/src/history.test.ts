import { spawn } from "node:child_process";
import {
  appendFile,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  truncate,
  unlink,
  writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import lockfile from "proper-lockfile";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type HistoryEntry, HistoryEntrySchema, MessageHistory, trimOffset } from "./index.js";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const worker = path.join(packageDir, "src", "fixtures", "append-worker.ts");

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), "codex-ts-history-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function lines(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
}

describe("append / metadata / lookup", () => {
  it("counts entries across read-chunk boundaries; a trailing partial line is not an entry", async () => {
    const history = new MessageHistory({ codexHome: home });
    const chunk = 64 * 1024;
    const entry = (text: string) => `${JSON.stringify({ session_id: "s", ts: 1, text })}\n`;
    const head = entry("x");
    // One line whose newline is the last byte of the first 64 KiB read, then lines spanning several
    // reads, then a partial line.
    const first = entry("a".repeat(chunk - entry("").length));
    expect(first.length).toBe(chunk);
    const small = Array.from({ length: 20_000 }, (_, i) => entry(String(i))).join("");
    await writeFile(history.path, `${first}${head}${small}{"session_id":"s","ts":1,"te`, { mode: 0o600 });
    const { entryCount, logId } = await history.metadata();
    expect(entryCount).toBe(1 + 1 + 20_000);
    expect(await history.lookup(logId, 1)).toEqual({ session_id: "s", ts: 1, text: "x" });
    expect(await history.lookup(logId, entryCount - 1)).toEqual({ session_id: "s", ts: 1, text: "19999" });
    expect(await history.lookup(logId, entryCount)).toBeNull();
    // The small line that straddles the second read boundary comes back whole.
    let offset = first.length + head.length;
    const straddling = Array.from({ length: 20_000 }, (_, i) => i).find((i) => {
      const end = offset + entry(String(i)).length;
      const crosses = offset < 2 * chunk && end > 2 * chunk;
      offset = end;
      return crosses;
    });
    expect(straddling).toBeDefined();
    expect(await history.lookup(logId, 2 + straddling!)).toEqual({
      session_id: "s",
      ts: 1,
      text: String(straddling),
    });
  });

  it("writes Codex-shaped lines with mode 0600 and reads them back by offset", async () => {
    const history = new MessageHistory({ codexHome: path.join(home, "nested") });
    expect(await history.metadata()).toEqual({ logId: 0, entryCount: 0 });

    expect(await history.append({ session_id: "s1", ts: 10, text: "first" })).toEqual({
      ok: true,
      written: true,
    });
    expect(await history.append({ session_id: "s2", ts: 11, text: 'two\nlines "q"' })).toEqual({
      ok: true,
      written: true,
    });

    const raw = await lines(history.path);
    expect(raw).toEqual([
      '{"session_id":"s1","ts":10,"text":"first"}',
      '{"session_id":"s2","ts":11,"text":"two\\nlines \\"q\\""}',
    ]);
    expect((await stat(history.path)).mode & 0o777).toBe(0o600);

    const meta = await history.metadata();
    expect(meta.entryCount).toBe(2);
    expect(meta.logId).toBeGreaterThan(0);
    expect(await history.lookup(meta.logId, 1)).toEqual({ session_id: "s2", ts: 11, text: 'two\nlines "q"' });
    expect(await history.lookup(meta.logId, 0)).toEqual({ session_id: "s1", ts: 10, text: "first" });
    expect(await history.lookup(meta.logId, 2)).toBeNull();
    expect(await history.lookup(meta.logId, -1)).toBeNull();

    // The id stays stable across appends.
    await history.appendText("s3", "third");
    expect((await history.metadata()).logId).toBe(meta.logId);
    const third = await history.lookup(meta.logId, 2);
    expect(third?.text).toBe("third");
    expect(third?.ts).toBeGreaterThan(1_700_000_000);
  });

  it("tightens an existing file's mode to 0600", async () => {
    const history = new MessageHistory({ codexHome: home });
    await writeFile(history.path, "", { mode: 0o644 });
    await history.appendText("s", "x");
    expect((await stat(history.path)).mode & 0o777).toBe(0o600);
  });

  it("persistence none writes nothing", async () => {
    const history = new MessageHistory({ codexHome: home, persistence: "none" });
    expect(await history.append({ session_id: "s", ts: 1, text: "secret" })).toEqual({
      ok: true,
      written: false,
    });
    await expect(stat(history.path)).rejects.toThrow();

    const fromSettings = MessageHistory.fromSettings(home, { persistence: "none" });
    expect(fromSettings.ok).toBe(true);
    if (fromSettings.ok) expect((await fromSettings.history.appendText("s", "x")).ok).toBe(true);
    await expect(stat(history.path)).rejects.toThrow();
  });

  it("rejects bad input with an error value", async () => {
    const history = new MessageHistory({ codexHome: home });
    const bad = await history.append({ session_id: "s", ts: -1, text: "x" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/ts/);

    const settings = MessageHistory.fromSettings(home, { persistence: "sometimes" });
    expect(settings.ok).toBe(false);
    if (!settings.ok) expect(settings.error).toMatch(/persistence/);

    // CODEX_HOME is a file: the append fails as a value, not a throw.
    const filePath = path.join(home, "not-a-dir");
    await writeFile(filePath, "");
    const result = await new MessageHistory({ codexHome: filePath }).appendText("s", "x");
    expect(result.ok).toBe(false);
  });

  it("a replaced file gets a new id and stale lookups return null", async () => {
    const history = new MessageHistory({ codexHome: home });
    await history.appendText("s", "old");
    const before = await history.metadata();
    await unlink(history.path);
    await history.appendText("s", "new");
    const after = await history.metadata();
    expect(after.logId).not.toBe(before.logId);
    expect(await history.lookup(before.logId, 0)).toBeNull();
    expect((await history.lookup(after.logId, 0))?.text).toBe("new");
    expect(await history.lookup(0, 0)).toBeNull();
  });

  it("returns null for incomplete or garbled lines", async () => {
    const history = new MessageHistory({ codexHome: home });
    await writeFile(
      history.path,
      '{"session_id":"a","ts":1,"text":"ok"}\nnot json\n{"session_id":"b","ts":2}\n{"session_id":"c","ts":3,"te',
    );
    const { logId, entryCount } = await history.metadata();
    expect(entryCount).toBe(3);
    expect((await history.lookup(logId, 0))?.text).toBe("ok");
    expect(await history.lookup(logId, 1)).toBeNull();
    expect(await history.lookup(logId, 2)).toBeNull();
    expect(await history.lookup(logId, 3)).toBeNull();
  });

  it("finds entries past the read chunk size", async () => {
    const history = new MessageHistory({ codexHome: home });
    const big = "y".repeat(50_000);
    const content = Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({ session_id: "s", ts: i, text: `${i}${big}` }),
    );
    await writeFile(history.path, `${content.join("\n")}\n`);
    const { logId, entryCount } = await history.metadata();
    expect(entryCount).toBe(6);
    for (let i = 0; i < 6; i++) expect((await history.lookup(logId, i))?.text).toBe(`${i}${big}`);
  });
});

/** A history file's content and the entries it holds, line by line (lengths vary with `seed`). */
function historyText(
  count: number,
  seed: string,
  { from = 0 } = {},
): { text: string; entries: HistoryEntry[] } {
  const entries = Array.from({ length: count }, (_, j) => {
    const i = from + j;
    // Mostly short lines, with multibyte text, and now and then one longer than a 64 KiB read.
    const body = i % 97 === 3 ? "L".repeat(70_000) : `${"é✓".repeat((i * 7 + seed.length) % 23)}`;
    return { session_id: `${seed}-${i % 5}`, ts: i, text: `${seed} ${i} ${body}` };
  });
  return { text: entries.map((e) => `${JSON.stringify(e)}\n`).join(""), entries };
}

/** Every offset of `history` (a fresh or reused instance) returns exactly `entries[offset]`. */
async function expectEntries(history: MessageHistory, logId: number, entries: HistoryEntry[]): Promise<void> {
  const got: (HistoryEntry | null)[] = [];
  for (let i = 0; i < entries.length; i++) got.push(await history.lookup(logId, i));
  expect(got).toEqual(entries);
  expect(await history.lookup(logId, entries.length)).toBeNull();
}

describe("line index (metadata/lookup reuse what they scanned)", () => {
  const count = 1_000; // several index strides

  it("serves every offset, cold or after metadata(), across long lines and stride boundaries", async () => {
    const { text, entries } = historyText(count, "a");
    await writeFile(path.join(home, "history.jsonl"), text);
    // Cold instances: lookups scan only as far as they need, in any order.
    const cold = new MessageHistory({ codexHome: home });
    const { logId } = await new MessageHistory({ codexHome: home }).metadata();
    for (const offset of [600, 3, 257, 999, 0, 256, 255, 100]) {
      expect(await cold.lookup(logId, offset)).toEqual(entries[offset]);
    }
    expect(await cold.metadata()).toEqual({ logId, entryCount: count });
    await expectEntries(cold, logId, entries);
    // An instance that counted first.
    const warm = new MessageHistory({ codexHome: home });
    expect(await warm.metadata()).toEqual({ logId, entryCount: count });
    await expectEntries(warm, logId, entries);
  });

  it("concurrent calls on one cold instance agree with the file", async () => {
    const { text, entries } = historyText(count, "c");
    await writeFile(path.join(home, "history.jsonl"), text);
    const history = new MessageHistory({ codexHome: home });
    const { logId } = await new MessageHistory({ codexHome: home }).metadata();
    const offsets = [999, 0, 512, 300, 768, 1, 257, 998, 640, 5];
    const [meta, ...found] = await Promise.all([
      history.metadata(),
      ...offsets.map((offset) => history.lookup(logId, offset)),
    ]);
    expect(meta).toEqual({ logId, entryCount: count });
    expect(found).toEqual(offsets.map((offset) => entries[offset]));
    await expectEntries(history, logId, entries);
  });

  it("out-of-range and invalid offsets return null, before and after indexing", async () => {
    const { text, entries } = historyText(300, "r");
    await writeFile(path.join(home, "history.jsonl"), text);
    const history = new MessageHistory({ codexHome: home });
    const { logId } = await new MessageHistory({ codexHome: home }).metadata();
    for (const offset of [300, 301, 512, Number.MAX_SAFE_INTEGER, -1, 1.5, Number.NaN]) {
      expect(await history.lookup(logId, offset)).toBeNull();
    }
    expect(await history.metadata()).toEqual({ logId, entryCount: 300 });
    for (const offset of [300, 301, 512, Number.MAX_SAFE_INTEGER])
      expect(await history.lookup(logId, offset)).toBeNull();
    expect(await history.lookup(logId, 299)).toEqual(entries[299]);
  });

  it("picks up appends made after indexing, by this or another writer", async () => {
    const first = historyText(count, "p");
    await writeFile(path.join(home, "history.jsonl"), first.text);
    const history = new MessageHistory({ codexHome: home });
    const { logId } = await history.metadata();
    expect(await history.lookup(logId, count - 1)).toEqual(first.entries[count - 1]);

    // Another writer (a separate instance, as another process would be), then a raw append.
    const more = historyText(300, "q", { from: count });
    const other = new MessageHistory({ codexHome: home });
    for (const entry of more.entries.slice(0, 150)) expect((await other.append(entry)).ok).toBe(true);
    expect(await history.metadata()).toEqual({ logId, entryCount: count + 150 });
    expect(await history.lookup(logId, count)).toEqual(more.entries[0]);
    await appendFile(
      history.path,
      more.entries
        .slice(150)
        .map((e) => `${JSON.stringify(e)}\n`)
        .join(""),
    );
    // A lookup past the previous end finds the new lines without a metadata() call in between.
    expect(await history.lookup(logId, count + 299)).toEqual(more.entries[299]);
    expect(await history.metadata()).toEqual({ logId, entryCount: count + 300 });
    await expectEntries(history, logId, [...first.entries, ...more.entries]);
  });

  it("a partial last line is not an entry until its newline arrives", async () => {
    const { text, entries } = historyText(400, "t");
    const last = `${JSON.stringify({ session_id: "t", ts: 400, text: "late" })}\n`;
    await writeFile(path.join(home, "history.jsonl"), text + last.slice(0, 20));
    const history = new MessageHistory({ codexHome: home });
    const { logId } = await history.metadata();
    expect((await history.metadata()).entryCount).toBe(400);
    expect(await history.lookup(logId, 400)).toBeNull();
    await appendFile(history.path, last.slice(20, -1));
    expect(await history.lookup(logId, 400)).toBeNull();
    expect((await history.metadata()).entryCount).toBe(400);
    await appendFile(history.path, "\n");
    expect(await history.lookup(logId, 400)).toEqual({ session_id: "t", ts: 400, text: "late" });
    expect(await history.metadata()).toEqual({ logId, entryCount: 401 });
    expect(await history.lookup(logId, 399)).toEqual(entries[399]);
  });

  it("a replaced file (new id) is indexed afresh; stale ids return null", async () => {
    const a = historyText(count, "old");
    await writeFile(path.join(home, "history.jsonl"), a.text);
    const history = new MessageHistory({ codexHome: home });
    const before = await history.metadata();
    await expectEntries(history, before.logId, a.entries);

    // Replaced by rename (as a trim does) with a file of the same size and the same bytes from the
    // same bytes except that its (long) fourth line is split in two: only the new identity shows that
    // every indexed line start after it is off by one line.
    const longLine = `${JSON.stringify(a.entries[3])}\n`;
    const split = [{ session_id: "n", ts: 0, text: "x" }];
    const rest = Buffer.byteLength(longLine) - Buffer.byteLength(`${JSON.stringify(split[0])}\n`);
    split.push({ session_id: "n", ts: 1, text: "" });
    split[1]!.text = "y".repeat(rest - Buffer.byteLength(`${JSON.stringify(split[1])}\n`));
    const b = [...a.entries.slice(0, 3), ...split, ...a.entries.slice(4)];
    const bText = b.map((e) => `${JSON.stringify(e)}\n`).join("");
    expect(Buffer.byteLength(bText)).toBe(Buffer.byteLength(a.text));
    await writeFile(path.join(home, "new.jsonl"), bText);
    await rename(path.join(home, "new.jsonl"), history.path);
    const after = await history.metadata();
    expect(after.logId).not.toBe(before.logId);
    expect(after.entryCount).toBe(count + 1);
    expect(await history.lookup(before.logId, 0)).toBeNull();
    await expectEntries(history, after.logId, b);
  });

  it("a file rewritten in place (same inode, same id) is indexed afresh", async () => {
    const a = historyText(count, "x");
    await writeFile(path.join(home, "history.jsonl"), a.text);
    const history = new MessageHistory({ codexHome: home });
    const { logId } = await history.metadata();
    await expectEntries(history, logId, a.entries);

    // Truncated and rewritten longer (`>` in a shell): the id is the inode's, so it stays, as in Codex.
    const longer = historyText(count + 10, "rewritten");
    await writeFile(history.path, longer.text);
    expect(await history.metadata()).toEqual({ logId, entryCount: count + 10 });
    await expectEntries(history, logId, longer.entries);

    // Cut down in place.
    const shorter = historyText(100, "y");
    await writeFile(history.path, shorter.text);
    expect(await history.lookup(logId, 500)).toBeNull();
    expect(await history.metadata()).toEqual({ logId, entryCount: 100 });
    await expectEntries(history, logId, shorter.entries);
    await truncate(history.path, 0);
    expect(await history.metadata()).toEqual({ logId, entryCount: 0 });
    expect(await history.lookup(logId, 0)).toBeNull();
  });

  it("lookups while other processes append always return the line that ends up at that offset", async () => {
    const history = new MessageHistory({ codexHome: home });
    await history.appendText("seed", "seed");
    const { logId } = await history.metadata();
    const workers = Array.from({ length: 3 }, (_, id) => runWorker(home, id, 400));
    let done = false;
    const finished = Promise.all(workers).finally(() => {
      done = true;
    });
    const seen = new Map<number, HistoryEntry>();
    let lastCount = 1;
    let rounds = 0;
    while (!done || rounds < 3) {
      rounds++;
      const meta = await history.metadata();
      expect(meta.logId).toBe(logId);
      expect(meta.entryCount).toBeGreaterThanOrEqual(lastCount);
      lastCount = meta.entryCount;
      for (const offset of [
        meta.entryCount - 1,
        Math.floor(meta.entryCount / 2),
        meta.entryCount,
        meta.entryCount + 1,
      ]) {
        const entry = await history.lookup(logId, offset);
        if (offset < meta.entryCount) expect(entry).not.toBeNull();
        if (entry) seen.set(offset, entry);
      }
    }
    for (const outcome of await finished) expect(outcome).toEqual({ code: 0, stderr: "" });

    const final = (await lines(history.path)).map((l) => HistoryEntrySchema.parse(JSON.parse(l)));
    expect(final).toHaveLength(1 + 3 * 400);
    expect(await history.metadata()).toEqual({ logId, entryCount: final.length });
    expect(seen.size).toBeGreaterThan(1);
    for (const [offset, entry] of seen) expect(entry).toEqual(final[offset]);
  }, 300_000);
});

describe("max_bytes trimming", () => {
  it("keeps the newest whole lines within the cap and rotates the id", async () => {
    const maxBytes = 2_000;
    const history = new MessageHistory({ codexHome: home, maxBytes });
    const appended: string[] = [];
    let trimmedOnce = false;
    let previousId = 0;
    for (let i = 0; i < 60; i++) {
      const text = `entry-${i}-${"z".repeat(i % 7 === 0 ? 300 : 40)}`;
      appended.push(text);
      const before = await history.metadata();
      expect((await history.appendText("s", text)).ok).toBe(true);
      const size = (await stat(history.path)).size;
      expect(size).toBeLessThanOrEqual(maxBytes);

      const kept = (await lines(history.path)).map((l) => HistoryEntrySchema.parse(JSON.parse(l)).text);
      // What is left is exactly the newest suffix of what was appended.
      expect(kept).toEqual(appended.slice(appended.length - kept.length));
      expect(kept.at(-1)).toBe(text);

      const after = await history.metadata();
      if (kept.length < appended.length && before.entryCount + 1 !== after.entryCount) {
        trimmedOnce = true;
        expect(size).toBeLessThanOrEqual(Math.floor(maxBytes * 0.8));
        expect(after.logId).not.toBe(before.logId);
        expect(await history.lookup(before.logId, 0)).toBeNull();
      }
      previousId = after.logId;
    }
    expect(trimmedOnce).toBe(true);
    expect(previousId).toBeGreaterThan(0);
  });

  it("keeps a newest line that alone exceeds the cap", async () => {
    const history = new MessageHistory({ codexHome: home, maxBytes: 100 });
    await history.appendText("s", "short");
    await history.appendText("s", "L".repeat(500));
    const kept = await lines(history.path);
    expect(kept).toHaveLength(1);
    expect(HistoryEntrySchema.parse(JSON.parse(kept[0]!)).text).toBe("L".repeat(500));
  });

  it("trimOffset cuts only at line starts", () => {
    const buf = Buffer.from("aaaa\nbbbb\ncccc\n");
    expect(trimOffset(buf, 15)).toBe(0);
    expect(trimOffset(buf, 14)).toBe(5); // soft cap 11: "bbbb\ncccc\n" (10 bytes) fits
    expect(trimOffset(buf, 9)).toBe(10); // soft cap 7: only "cccc\n" fits
    expect(trimOffset(Buffer.from("aaaa\nbbbbbbbbbb\n"), 5)).toBe(5);
    expect(trimOffset(Buffer.from("aaaa\nbb"), 3)).toBe(5);
  });
});

describe("concurrent processes", () => {
  it("an append waits for the lock held by someone else and fails as a value after its timeout", async () => {
    const history = new MessageHistory({ codexHome: home, lockTimeoutMs: 300 });
    await history.appendText("s", "before");
    const release = await lockfile.lock(history.path, { realpath: false, lockfilePath: history.lockPath });
    try {
      const blocked = await history.appendText("s", "while locked");
      expect(blocked.ok).toBe(false);
      if (!blocked.ok) expect(blocked.error).toMatch(/lock/i);
      expect((await history.metadata()).entryCount).toBe(1);
    } finally {
      await release();
    }
    expect(await history.appendText("s", "after")).toEqual({ ok: true, written: true });
    expect((await history.metadata()).entryCount).toBe(2);
  });

  it("8 processes × 1,000 concurrent appends leave 8,000 intact lines", async () => {
    const workers = 8;
    const perWorker = 1_000;
    const runs = Array.from({ length: workers }, (_, id) => runWorker(home, id, perWorker));
    const outcomes = await Promise.all(runs);
    for (const outcome of outcomes) expect(outcome).toEqual({ code: 0, stderr: "" });

    const history = new MessageHistory({ codexHome: home });
    const raw = await lines(history.path);
    expect(raw).toHaveLength(workers * perWorker);
    const seen = new Map<string, Set<number>>();
    for (const line of raw) {
      const entry = HistoryEntrySchema.parse(JSON.parse(line));
      const id = entry.session_id.replace("worker-", "");
      expect(entry.text).toBe(`w${id}-${entry.ts} ${"x".repeat(200)} multi\nline "quoted" ✓`);
      const set = seen.get(entry.session_id) ?? new Set<number>();
      set.add(entry.ts);
      seen.set(entry.session_id, set);
    }
    expect(seen.size).toBe(workers);
    for (const set of seen.values()) expect(set.size).toBe(perWorker);
    expect((await history.metadata()).entryCount).toBe(workers * perWorker);
  }, 300_000);

  it("concurrent appends with trimming never lose a newer line", async () => {
    const workers = 4;
    const perWorker = 300;
    const maxBytes = 3_000;
    const outcomes = await Promise.all(
      Array.from({ length: workers }, (_, id) => runWorker(home, id, perWorker, maxBytes)),
    );
    for (const outcome of outcomes) expect(outcome).toEqual({ code: 0, stderr: "" });

    const history = new MessageHistory({ codexHome: home });
    expect((await stat(history.path)).size).toBeLessThanOrEqual(maxBytes);
    const byWorker = new Map<string, number[]>();
    for (const line of await lines(history.path)) {
      const entry = HistoryEntrySchema.parse(JSON.parse(line));
      byWorker.set(entry.session_id, [...(byWorker.get(entry.session_id) ?? []), entry.ts]);
    }
    // Each worker appends in order and trimming drops only the oldest lines, so what survives of
    // each worker is a gap-free run ending with its last append.
    expect(byWorker.size).toBeGreaterThan(0);
    for (const tss of byWorker.values()) {
      const first = tss[0]!;
      expect(tss).toEqual(Array.from({ length: perWorker - first }, (_, i) => first + i));
    }
  }, 300_000);
});

function runWorker(
  codexHome: string,
  id: number,
  count: number,
  maxBytes?: number,
): Promise<{ code: number | null; stderr: string }> {
  const args = [worker, codexHome, String(id), String(count), ...(maxBytes ? [String(maxBytes)] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      cwd: packageDir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}
