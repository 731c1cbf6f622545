/**
 * The local store's reconciler (./local-sync.ts) against real files: a deleted or damaged index is
 * rebuilt from the rollouts, and threads, appends and names written by other processes show up.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { INDEX_FILENAME, LocalThreadStore } from "./index.js";
import {
  appendRaw,
  closeStore,
  home,
  idFor,
  listAll,
  openStore,
  openStores as open,
  unwrap,
  useStoreHome,
  writeRollout,
} from "./test-helpers.js";

const srcDir = path.dirname(fileURLToPath(import.meta.url));

useStoreHome("codex-ts-threads-");

describe("index rebuild and other writers", () => {
  it("rebuilds a deleted or corrupt index from the rollout files", async () => {
    for (let i = 0; i < 30; i++)
      writeRollout(home, { id: idFor(i), createdMs: Date.UTC(2026, 5, 1) + i * 1000, preview: `p${i}` });
    writeRollout(home, { id: idFor(99), createdMs: Date.UTC(2026, 5, 1), archived: true });
    let store = await openStore();
    expect(store.rebuiltOnOpen).toBe(true);
    expect((await listAll(store, { limit: 7 })).ids).toHaveLength(30);
    await closeStore(store);

    const db = path.join(home, INDEX_FILENAME);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(db + suffix, { force: true });
    store = await openStore();
    expect(store.rebuiltOnOpen).toBe(true);
    expect((await listAll(store, { limit: 7 })).ids).toHaveLength(30);
    expect(unwrap(await store.list({ archived: true })).data.map((t) => t.id)).toEqual([idFor(99)]);
    await closeStore(store);

    writeFileSync(db, "this is definitely not a sqlite database, just garbage bytes ".repeat(200));
    for (const suffix of ["-wal", "-shm"]) rmSync(db + suffix, { force: true });
    store = await openStore();
    expect(store.rebuiltOnOpen).toBe(true);
    expect(unwrap(await store.read(idFor(7))).preview).toBe("p7");
    expect((await listAll(store, { limit: 100 })).ids).toHaveLength(30);
    // Codex's own state database is never created or touched.
    expect(existsSync(path.join(home, "state_5.sqlite"))).toBe(false);
  });

  it("finds damage inside the index in the background after open, then rebuilds it from the files", async () => {
    for (let i = 0; i < 200; i++)
      writeRollout(home, { id: idFor(i), createdMs: Date.UTC(2026, 5, 1) + i * 1000, preview: `p${i}` });
    let store = await openStore();
    expect((await listAll(store, { limit: 50 })).ids).toHaveLength(200);
    await closeStore(store);

    // Keep the header page (the file still opens as a database of the right schema version) and
    // overwrite the pages behind it.
    const db = path.join(home, INDEX_FILENAME);
    const bytes = readFileSync(db);
    expect(bytes.length).toBeGreaterThan(3 * 4096);
    bytes.fill(0x5a, 4096);
    writeFileSync(db, bytes);
    for (const suffix of ["-wal", "-shm"]) rmSync(db + suffix, { force: true });

    store = await openStore();
    expect(store.rebuiltOnOpen).toBe(false);
    await expect
      .poll(
        async () => {
          const page = await store.list({ limit: 500 });
          return { rebuilt: store.rebuiltOnOpen, count: page.ok ? page.value.data.length : page.error.code };
        },
        { timeout: 30_000, interval: 100 },
      )
      .toEqual({ rebuilt: true, count: 200 });
    expect(unwrap(await store.read(idFor(7))).preview).toBe("p7");
  });

  it("picks up threads and appends written by another process", async () => {
    const store = await openStore();
    expect(unwrap(await store.list()).data).toEqual([]);

    const other = unwrap(await LocalThreadStore.open({ codexHome: home }));
    open.push(other);
    const made = unwrap(await other.create({ cwd: "/x", modelProvider: "openai", cliVersion: "1" }));
    const file = writeRollout(home, { id: idFor(5), createdMs: Date.UTC(2020, 0, 1), preview: "from codex" });

    const listed = unwrap(await store.list());
    expect(listed.data.map((t) => t.id)).toEqual([made.id, idFor(5)]);
    expect(unwrap(await store.read(made.id)).preview).toBe("");

    // Another process appends a user message to the newest thread: the list notices (recent day dir).
    unwrap(
      await other.append(made.id, [
        {
          type: "event_msg",
          payload: { type: "user_message", message: "late prompt", local_images: [], text_elements: [] },
        },
      ]),
    );
    expect(unwrap(await store.list({ searchTerm: "late prompt" })).data.map((t) => t.id)).toEqual([made.id]);

    // A file removed behind our back disappears from the list.
    rmSync(file);
    expect(unwrap(await store.list()).data.map((t) => t.id)).toEqual([made.id]);
    expect(await store.read(idFor(5))).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("notices, in the background full re-stat, an append by another process to a thread older than a day", async () => {
    const old = new Date(Date.UTC(2020, 0, 1));
    const file = writeRollout(home, { id: idFor(7), createdMs: old.getTime(), preview: "old thread" });
    utimesSync(file, old, old);
    const store = unwrap(await LocalThreadStore.open({ codexHome: home, fullRestatIntervalMs: 0 }));
    open.push(store);
    const before = unwrap(await store.list()).data;
    expect(before.map((t) => t.id)).toEqual([idFor(7)]);

    // Another process appends; the file's mtime stays out of the "recently active" window, so only
    // the full re-stat (started by a sync, answered without waiting for it) can notice.
    appendRaw(
      file,
      `${JSON.stringify({
        timestamp: old.toISOString(),
        type: "event_msg",
        payload: { type: "user_message", message: "late prompt", local_images: [], text_elements: [] },
      })}\n`,
    );
    const later = new Date(old.getTime() + 60_000);
    utimesSync(file, later, later);

    let updatedAt = before[0]!.updatedAtMs;
    for (let attempt = 0; attempt < 400 && updatedAt === before[0]!.updatedAtMs; attempt++) {
      updatedAt = unwrap(await store.list()).data[0]!.updatedAtMs;
      if (updatedAt === before[0]!.updatedAtMs) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(updatedAt).not.toBe(before[0]!.updatedAtMs);
    expect(unwrap(await store.read(idFor(7))).updatedAtMs).toBe(updatedAt);
  });

  it("several processes create and name threads concurrently in one CODEX_HOME", async () => {
    const workers = 3;
    const perWorker = 40;
    // Nobody has created the index yet: the children and this process race to open it.
    const runs = Array.from({ length: workers }, (_, id) =>
      runChild(path.join(srcDir, "fixtures", "create-worker.ts"), [home, String(id), String(perWorker)]),
    );
    const store = await openStore();
    // List while they write: every listing must succeed.
    let listings = 0;
    let done = false;
    const all = Promise.all(runs).finally(() => {
      done = true;
    });
    while (!done) {
      unwrap(await store.list({ limit: 10 }));
      listings++;
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const outcome of await all) expect(outcome).toEqual({ code: 0, stderr: "" });
    expect(listings).toBeGreaterThan(0);

    const { threads } = await listAll(store, { limit: 50 });
    expect(threads).toHaveLength(workers * perWorker);
    const names = new Set(threads.map((t) => t.name));
    for (let w = 0; w < workers; w++) {
      expect(threads.filter((t) => t.cwd === `/proc/${w}`)).toHaveLength(perWorker);
      for (let i = 0; i < perWorker; i++) expect(names.has(`w${w}-${i}`)).toBe(true);
    }
  }, 300_000);
});

function runChild(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: path.resolve(srcDir, ".."),
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
