import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import lockfile from "proper-lockfile";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HistoryEntrySchema, MessageHistory, trimOffset } from "./index.js";

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
    expect(await history.lookup(logId, 2 + straddling!)).toEqual({ session_id: "s", ts: 1, text: String(straddling) });
  });

  it("writes Codex-shaped lines with mode 0600 and reads them back by offset", async () => {
    const history = new MessageHistory({ codexHome: path.join(home, "nested") });
    expect(await history.metadata()).toEqual({ logId: 0, entryCount: 0 });

    expect(await history.append({ session_id: "s1", ts: 10, text: "first" })).toEqual({ ok: true, written: true });
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
    expect(await history.append({ session_id: "s", ts: 1, text: "secret" })).toEqual({ ok: true, written: false });
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
    const content = Array.from({ length: 6 }, (_, i) => JSON.stringify({ session_id: "s", ts: i, text: `${i}${big}` }));
    await writeFile(history.path, `${content.join("\n")}\n`);
    const { logId, entryCount } = await history.metadata();
    expect(entryCount).toBe(6);
    for (let i = 0; i < 6; i++) expect((await history.lookup(logId, i))?.text).toBe(`${i}${big}`);
  });
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
