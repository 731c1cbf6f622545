import { spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { v2 } from "@codex-ts/protocol";
import { rolloutPath } from "@codex-ts/rollout";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  INDEX_FILENAME,
  type ListThreadsParams,
  LocalThreadStore,
  type StoredThread,
  type StoreResult,
  toV2Thread,
  toV2ThreadListResponse,
} from "./index.js";
import { appendRaw, idFor, writeRollout } from "./test-helpers.js";

const srcDir = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(srcDir, "fixtures", "codex-0.169");

let home: string;
const open: LocalThreadStore[] = [];
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), "codex-ts-threads-"));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await rm(home, { recursive: true, force: true });
});

function unwrap<T>(result: StoreResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function openStore(): Promise<LocalThreadStore> {
  const store = unwrap(await LocalThreadStore.open({ codexHome: home }));
  open.push(store);
  return store;
}

async function closeStore(store: LocalThreadStore): Promise<void> {
  open.splice(open.indexOf(store), 1);
  await store.close();
}

/** Walk every page; returns all ids in order and the number of pages. */
async function listAll(store: LocalThreadStore, params: ListThreadsParams): Promise<{ ids: string[]; threads: StoredThread[]; pages: number }> {
  const threads: StoredThread[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { data: StoredThread[]; nextCursor: string | null } = unwrap(await store.list({ ...params, cursor }));
    threads.push(...page.data);
    cursor = page.nextCursor;
    pages++;
    if (pages > 100_000) throw new Error("pagination does not terminate");
  } while (cursor);
  return { ids: threads.map((t) => t.id), threads, pages };
}

describe("create / append / read / load", () => {
  it("writes a Codex-layout rollout and indexes it", async () => {
    const store = await openStore();
    const created = unwrap(
      await store.create({
        cwd: "/work/proj",
        modelProvider: "openai",
        model: "gpt-5.1-codex",
        cliVersion: "0.1.0",
        source: "cli",
        gitInfo: { sha: "abc", branch: "main", originUrl: null },
        baseInstructions: "be brief",
        createdAtMs: Date.UTC(2026, 10, 21, 9, 8, 7),
      }),
    );
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.path).toBe(rolloutPath(home, created.id, new Date(Date.UTC(2026, 10, 21, 9, 8, 7))));
    expect(path.relative(home, created.path!)).toMatch(/^sessions\/\d{4}\/\d{2}\/\d{2}\/rollout-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-/);
    const meta = JSON.parse(readFileSync(created.path!, "utf8").trim());
    expect(meta).toMatchObject({
      type: "session_meta",
      payload: {
        id: created.id,
        cwd: "/work/proj",
        cli_version: "0.1.0",
        source: "cli",
        model_provider: "openai",
        base_instructions: { text: "be brief" },
        git: { commit_hash: "abc", branch: "main" },
      },
    });
    expect(created).toMatchObject({ preview: "", model: "gpt-5.1-codex", sourceKind: "cli", archived: false, name: null });

    const after = unwrap(
      await store.append(created.id, [
        { type: "turn_context", payload: { cwd: "/work/proj", approval_policy: "never", model: "gpt-5.2", effort: "high" } },
        { type: "event_msg", payload: { type: "user_message", message: "Fix the bug", local_images: [], text_elements: [] } },
        { type: "event_msg", payload: { type: "user_message", message: "second", local_images: [], text_elements: [] } },
      ]),
    );
    expect(after).toMatchObject({ preview: "Fix the bug", model: "gpt-5.2", reasoningEffort: "high" });
    expect(after.updatedAtMs).toBeGreaterThanOrEqual(created.updatedAtMs);

    const loaded = unwrap(await store.load(created.id));
    expect(loaded.lines.map((l) => l.type)).toEqual(["session_meta", "turn_context", "event_msg", "event_msg"]);
    expect(unwrap(await store.read(created.id))).toEqual(after);

    // The v2 mapping is a valid v2 Thread.
    const thread = toV2Thread(after);
    expect(v2.Thread.parse(thread)).toEqual(thread);
    expect(thread).toMatchObject({ createdAt: Math.floor(created.createdAtMs / 1000), status: { type: "notLoaded" }, source: "cli" });
  });

  it("gives a v2 thread its own id as sessionId, also when it shares its session (a sub-agent, a fork) as Codex 0.169", async () => {
    const store = await openStore();
    const created = unwrap(await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "1", source: "cli" }));
    const child: StoredThread = { ...created, sessionId: "019a0000-0000-7000-8000-000000000001" };
    expect(toV2Thread(child).sessionId).toBe(created.id);
  });

  it("forks a thread up to a turn into a new indexed thread", async () => {
    const store = await openStore();
    const source = unwrap(await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "1", source: "cli" }));
    const turn = (id: string, text: string) => [
      { type: "event_msg", payload: { type: "task_started", turn_id: id, model_context_window: null, collaboration_mode_kind: "default" } },
      { type: "event_msg", payload: { type: "user_message", message: text, local_images: [], text_elements: [] } },
      { type: "event_msg", payload: { type: "task_complete", turn_id: id, last_agent_message: null } },
    ];
    unwrap(await store.append(source.id, [...turn("t1", "first ask"), ...turn("t2", "second ask")] as never));
    unwrap(await store.setName(source.id, "source name"));

    const fork = unwrap(await store.fork(source.id, { upTo: { turns: 1 } }));
    expect(fork.id).not.toBe(source.id);
    expect(fork).toMatchObject({ forkedFromId: source.id, preview: "first ask", name: null, cwd: "/w", archived: false });
    const loaded = unwrap(await store.load(fork.id));
    const messages = loaded.lines.flatMap((l) => (l.type === "event_msg" && l.payload.type === "user_message" ? [l.payload.message] : []));
    expect(messages).toEqual(["first ask"]);
    expect(unwrap(await store.list()).data.map((t) => t.id)).toContain(fork.id);
    expect(await store.fork(source.id, { upTo: { throughTurnId: "nope" } })).toMatchObject({
      ok: false,
      error: { code: "invalid_argument" },
    });
    expect(await store.fork("missing")).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("returns error values for bad input and unknown threads", async () => {
    const store = await openStore();
    const missing = await store.read("nope");
    expect(missing).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await store.create({ cwd: "", modelProvider: "x", cliVersion: "1" })).toMatchObject({
      ok: false,
      error: { code: "invalid_argument" },
    });
    expect(await store.list({ cursor: "garbage!" })).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
    expect(await store.list({ limit: -1 })).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
    const t = unwrap(await store.create({ cwd: "/w", modelProvider: "x", cliVersion: "1", id: "fixed-id" }));
    expect(await store.create({ cwd: "/w", modelProvider: "x", cliVersion: "1", id: t.id })).toMatchObject({
      ok: false,
      error: { code: "already_exists" },
    });
    // @ts-expect-error: an item without type
    expect(await store.append(t.id, [{ payload: {} }])).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
    // A turn_context without its required fields is rejected by the protocol schema.
    // @ts-expect-error: payload misses cwd/approval_policy
    expect(await store.append(t.id, [{ type: "turn_context", payload: { model: "m" } }])).toMatchObject({
      ok: false,
      error: { code: "invalid_argument", message: expect.stringContaining("turn_context") },
    });
  });

  it("tolerates a truncated or garbled last line", async () => {
    const file = writeRollout(home, { id: idFor(1), createdMs: Date.UTC(2026, 0, 2), preview: "hello" });
    appendRaw(file, 'this is not json\n{"timestamp":"2026-01-02T00:00:00Z","type":"event_msg","payload":{"type":"agent_mes');
    const store = await openStore();
    const t = unwrap(await store.read(idFor(1)));
    expect(t.preview).toBe("hello");
    const loaded = unwrap(await store.load(idFor(1)));
    expect(loaded.lines.map((l) => l.type)).toEqual(["session_meta", "response_item", "event_msg"]);
    expect(loaded.truncatedTail).toBe(true);
    expect(loaded.skippedLines).toBe(1);
  });

  it("lists and reads rollouts written by real Codex 0.169", async () => {
    cpSync(path.join(fixtures, "sessions"), path.join(home, "sessions"), { recursive: true });
    const store = await openStore();
    const page = unwrap(await store.list({ sortDirection: "asc" }));
    expect(page.data.map((t) => [t.id, t.preview, t.sourceKind, t.model, t.modelProvider, t.cliVersion])).toEqual([
      ["01a1fe48-5f01-77f1-83d8-0bc901263e77", "Say hello", "exec", "gpt-5.1-codex", "x", "0.169.0"],
      ["01a1fe48-8f0a-7c03-a8d8-66f123de48ae", "RUN_TOOL please list", "exec", "gpt-5.1-codex", "x", "0.169.0"],
    ]);
    expect(page.data[0]).toMatchObject({ cwd: "/tmp/rollout-fx/work", originator: "codex_exec", threadSource: "user" });
    const header = JSON.parse(readFileSync(page.data[0]!.path!, "utf8").split("\n")[0]!);
    expect(page.data[0]!.createdAtMs).toBe(Date.parse(header.payload.timestamp));
    const response = toV2ThreadListResponse(page);
    expect(v2.ThreadListResponse.parse(response)).toEqual(response);
    const loaded = unwrap(await store.load("01a1fe48-8f0a-7c03-a8d8-66f123de48ae"));
    const raw = readFileSync(loaded.thread.path!, "utf8").trim().split("\n");
    expect(loaded.lines).toHaveLength(raw.length);
    expect(loaded.lines[0]!.type).toBe("session_meta");
  });
});

describe("listing 10,000 threads", () => {
  it("paginates with no duplicates or gaps in every sort, and sorts correctly", async () => {
    const total = 10_000;
    const base = Date.UTC(2026, 2, 1);
    for (let i = 0; i < total; i++) {
      // Clusters of 7 threads share one creation instant to exercise the id tie-break; spread over 5 days.
      const createdMs = base + Math.floor(i / 7) * 60_000;
      const file = writeRollout(home, {
        id: idFor((i * 7919) % total), // ids not in creation order
        createdMs,
        cwd: i % 3 === 0 ? "/work/a" : "/work/b",
        preview: `prompt number ${i}`,
      });
      // updated_at (file mtime) in a different order than created_at.
      const mtime = new Date(base + ((i * 37) % total) * 1000);
      utimesSync(file, mtime, mtime);
    }
    const store = await openStore();
    const all = new Set(Array.from({ length: total }, (_, i) => idFor(i)));

    for (const sortKey of ["created_at", "updated_at"] as const) {
      for (const sortDirection of ["desc", "asc"] as const) {
        const { ids, threads, pages } = await listAll(store, { sortKey, sortDirection, limit: 97 });
        expect(ids).toHaveLength(total);
        expect(new Set(ids)).toEqual(all);
        expect(pages).toBe(Math.ceil(total / 97));
        const key = (t: StoredThread) => (sortKey === "created_at" ? t.createdAtMs : t.updatedAtMs);
        for (let i = 1; i < threads.length; i++) {
          const [a, b] = [threads[i - 1]!, threads[i]!];
          const cmp = key(a) - key(b) || (a.id < b.id ? -1 : 1);
          expect(sortDirection === "desc" ? cmp > 0 : cmp < 0).toBe(true);
        }
      }
    }

    // Filters paginate too.
    const cwdA = await listAll(store, { cwd: "/work/a", limit: 500 });
    expect(cwdA.ids).toHaveLength(Math.ceil(total / 3));
    expect(new Set(cwdA.ids).size).toBe(cwdA.ids.length);
    expect(cwdA.threads.every((t) => t.cwd === "/work/a")).toBe(true);

    // Default page size and the backwards cursor.
    const first = unwrap(await store.list());
    expect(first.data).toHaveLength(25);
    const second = unwrap(await store.list({ cursor: first.nextCursor }));
    const back = unwrap(await store.list({ cursor: second.backwardsCursor, sortDirection: "asc", limit: 25 }));
    expect(back.data.map((t) => t.id)).toEqual(first.data.map((t) => t.id).reverse());
    // A cursor is tied to its sort.
    expect(await store.list({ cursor: first.nextCursor, sortKey: "updated_at" })).toMatchObject({ ok: false });
  }, 300_000);
});

describe("filters, search, names and archive", () => {
  async function seed(): Promise<LocalThreadStore> {
    const base = Date.UTC(2026, 4, 1);
    writeRollout(home, { id: idFor(1), createdMs: base + 1000, cwd: "/a", preview: "Refactor the Parser module", provider: "openai" });
    writeRollout(home, { id: idFor(2), createdMs: base + 2000, cwd: "/b", preview: "write docs", provider: "oss", source: "exec" });
    writeRollout(home, { id: idFor(3), createdMs: base + 3000, cwd: "/a", preview: "Ünïcode ÄPFEL", source: { subagent: "review" } });
    writeRollout(home, { id: idFor(4), createdMs: base + 4000, cwd: "/c", preview: "old stuff", archived: true });
    return openStore();
  }
  const ids = (r: StoreResult<{ data: StoredThread[] }>) => unwrap(r).data.map((t) => t.id);

  it("filters by cwd, archived, provider, source kind, exclusions; searches name and preview", async () => {
    const store = await seed();
    expect(ids(await store.list())).toEqual([idFor(3), idFor(2), idFor(1)]);
    expect(ids(await store.list({ sortDirection: "asc", limit: 2 }))).toEqual([idFor(1), idFor(2)]);
    expect(ids(await store.list({ cwd: "/a" }))).toEqual([idFor(3), idFor(1)]);
    expect(ids(await store.list({ cwd: ["/b", "/c"] }))).toEqual([idFor(2)]);
    expect(ids(await store.list({ archived: true }))).toEqual([idFor(4)]);
    expect(ids(await store.list({ archived: false, modelProviders: ["oss"] }))).toEqual([idFor(2)]);
    expect(ids(await store.list({ modelProviders: [] }))).toHaveLength(3);
    expect(ids(await store.list({ sourceKinds: ["exec", "subAgentReview"] }))).toEqual([idFor(3), idFor(2)]);
    expect(ids(await store.list({ excludedThreadIds: [idFor(3)] }))).toEqual([idFor(2), idFor(1)]);
    expect(ids(await store.list({ searchTerm: "parser" }))).toEqual([idFor(1)]);
    expect(ids(await store.list({ searchTerm: "äpfel" }))).toEqual([idFor(3)]);
    expect(ids(await store.list({ searchTerm: "zzz" }))).toEqual([]);

    unwrap(await store.setName(idFor(2), "  Release Checklist "));
    expect(ids(await store.list({ searchTerm: "checklist" }))).toEqual([idFor(2)]);
    expect(unwrap(await store.read(idFor(2))).name).toBe("Release Checklist");
    unwrap(await store.updateMetadata(idFor(1), { preview: "custom preview", model: "m1" }));
    expect(unwrap(await store.read(idFor(1)))).toMatchObject({ preview: "custom preview", model: "m1" });
    expect(ids(await store.list({ searchTerm: "custom" }))).toEqual([idFor(1)]);
    unwrap(await store.updateMetadata(idFor(1), { preview: null }));
    expect(unwrap(await store.read(idFor(1))).preview).toBe("Refactor the Parser module");
  });

  it("names and archive state survive reopening; unarchive and delete move/remove files", async () => {
    let store = await seed();
    unwrap(await store.setName(idFor(1), "My thread"));
    const archived = unwrap(await store.archive(idFor(1)));
    expect(archived.archived).toBe(true);
    expect(path.dirname(archived.path!)).toBe(path.join(home, "archived_sessions"));
    expect(existsSync(archived.path!)).toBe(true);
    await closeStore(store);

    store = await openStore();
    expect(store.rebuiltOnOpen).toBe(false);
    expect(unwrap(await store.read(idFor(1)))).toMatchObject({ name: "My thread", archived: true });
    expect(ids(await store.list({ archived: true }))).toEqual([idFor(4), idFor(1)]);
    expect(ids(await store.list())).toEqual([idFor(3), idFor(2)]);

    const back = unwrap(await store.unarchive(idFor(1)));
    expect(back.path).toBe(rolloutPath(home, idFor(1), new Date(Date.UTC(2026, 4, 1) + 1000)));
    expect(back).toMatchObject({ archived: false, name: "My thread" });
    await expect(store.append(idFor(4), [])).resolves.toMatchObject({ ok: false });

    unwrap(await store.delete(idFor(2)));
    expect(await store.read(idFor(2))).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(ids(await store.list())).toEqual([idFor(3), idFor(1)]);
  });
});

describe("index rebuild and other writers", () => {
  it("rebuilds a deleted or corrupt index from the rollout files", async () => {
    for (let i = 0; i < 30; i++) writeRollout(home, { id: idFor(i), createdMs: Date.UTC(2026, 5, 1) + i * 1000, preview: `p${i}` });
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
    for (let i = 0; i < 200; i++) writeRollout(home, { id: idFor(i), createdMs: Date.UTC(2026, 5, 1) + i * 1000, preview: `p${i}` });
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
        { type: "event_msg", payload: { type: "user_message", message: "late prompt", local_images: [], text_elements: [] } },
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
