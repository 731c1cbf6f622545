/**
 * Appends keep the rollout writer open (./open-writers.ts) but never write over a change made by
 * someone else: a torn tail written by another process is repaired before the next append, and
 * archive / delete / close let go of the file.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readRollout } from "@codex-ts/rollout";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalThreadStore, type StoreResult } from "./index.js";
import { appendRaw } from "./test-helpers.js";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), "codex-ts-open-writers-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function unwrap<T>(result: StoreResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const said = (message: string) =>
  ({ type: "event_msg", payload: { type: "user_message", message, local_images: [], text_elements: [] } }) as never;

/** How many of this process's descriptors point at `file`. */
const openHandles = (file: string) =>
  readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;

describe.runIf(process.platform === "linux")("appends with a kept writer", () => {
  it("repair another writer's torn tail, keep every line, and release the file on archive, delete and close", async () => {
    const store = unwrap(await LocalThreadStore.open({ codexHome: home }));
    const t = unwrap(await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "1", source: "cli" }));
    unwrap(await store.append(t.id, [said("one")]));
    const file = unwrap(await store.read(t.id)).path as string;
    unwrap(await store.append(t.id, [said("two")]));
    expect(openHandles(file)).toBe(1);

    // Another process crashed mid-line: the next append starts after the last whole line.
    appendRaw(file, '{"timestamp":"2026-01-01T00:00:00.000Z","type":"event_msg","payload":{"type":"user_mes');
    unwrap(await store.append(t.id, [said("three")]));
    const read = await readRollout(file);
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.skipped).toEqual([]);
    const messages = read.value.lines.flatMap((l) => (l.type === "event_msg" && l.payload.type === "user_message" ? [l.payload.message] : []));
    expect(messages).toEqual(["one", "two", "three"]);

    unwrap(await store.archive(t.id));
    expect(openHandles(file)).toBe(0);
    unwrap(await store.unarchive(t.id));
    unwrap(await store.append(t.id, [said("four")]));
    expect(openHandles(file)).toBe(1);
    const loaded = unwrap(await store.load(t.id));
    expect(loaded.skippedLines).toBe(0);
    expect(loaded.lines.filter((l) => l.type === "event_msg")).toHaveLength(4);

    const other = unwrap(await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "1", source: "cli" }));
    unwrap(await store.append(other.id, [said("x")]));
    const otherFile = unwrap(await store.read(other.id)).path as string;
    unwrap(await store.delete(other.id));
    expect(openHandles(otherFile)).toBe(0);
    await store.close();
    expect(openHandles(file)).toBe(0);
  });

  it("an append does not read the rollout again (it re-read the whole file each time)", async () => {
    const store = unwrap(await LocalThreadStore.open({ codexHome: home }));
    const t = unwrap(await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "1", source: "cli" }));
    /** Bytes this process has read through read(2) and friends (/proc/self/io). */
    const bytesRead = () => Number(/rchar:\s+(\d+)/.exec(readFileSync("/proc/self/io", "utf8"))?.[1]);
    const append = async (i: number) =>
      unwrap(await store.append(t.id, [said(`turn ${i}: ${"words of a prompt ".repeat(20)}`), said("an answer")]));
    for (let i = 0; i < 250; i++) await append(i);
    const before = bytesRead();
    for (let i = 250; i < 300; i++) await append(i);
    const read = bytesRead() - before;
    const size = statSync(unwrap(await store.read(t.id)).path as string).size;
    await store.close();
    // 50 appends read less than the file once (resuming each time read it 50 times).
    expect(read).toBeLessThan(size);
  });
});
