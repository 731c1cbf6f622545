import { cpSync, existsSync, readFileSync, utimesSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { v2 } from "@codex-ts/protocol";
import { rolloutPath } from "@codex-ts/rollout";
import { describe, expect, it } from "vitest";
import {
  type LocalThreadStore,
  type StoredThread,
  type StoreResult,
  toV2Thread,
  toV2ThreadListResponse,
} from "./index.js";
import {
  appendRaw,
  closeStore,
  home,
  idFor,
  listAll,
  openStore,
  unwrap,
  useStoreHome,
  writeRollout,
} from "./test-helpers.js";

const srcDir = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(srcDir, "fixtures", "codex-0.169");

useStoreHome("codex-ts-threads-");

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
    expect(path.relative(home, created.path!)).toMatch(
      /^sessions\/\d{4}\/\d{2}\/\d{2}\/rollout-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-/,
    );
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
    expect(created).toMatchObject({
      preview: "",
      model: "gpt-5.1-codex",
      sourceKind: "cli",
      archived: false,
      name: null,
    });

    const after = unwrap(
      await store.append(created.id, [
        {
          type: "turn_context",
          payload: { cwd: "/work/proj", approval_policy: "never", model: "gpt-5.2", effort: "high" },
        },
        {
          type: "event_msg",
          payload: { type: "user_message", message: "Fix the bug", local_images: [], text_elements: [] },
        },
        {
          type: "event_msg",
          payload: { type: "user_message", message: "second", local_images: [], text_elements: [] },
        },
      ]),
    );
    expect(after).toMatchObject({ preview: "Fix the bug", model: "gpt-5.2", reasoningEffort: "high" });
    expect(after.updatedAtMs).toBeGreaterThanOrEqual(created.updatedAtMs);

    const loaded = unwrap(await store.load(created.id));
    expect(loaded.lines.map((l) => l.type)).toEqual([
      "session_meta",
      "turn_context",
      "event_msg",
      "event_msg",
    ]);
    expect(unwrap(await store.read(created.id))).toEqual(after);

    // The v2 mapping is a valid v2 Thread.
    const thread = toV2Thread(after);
    expect(v2.Thread.parse(thread)).toEqual(thread);
    expect(thread).toMatchObject({
      createdAt: Math.floor(created.createdAtMs / 1000),
      status: { type: "notLoaded" },
      source: "cli",
    });
  });

  it("gives a v2 thread its own id as sessionId, also when it shares its session (a sub-agent, a fork) as Codex 0.169", async () => {
    const store = await openStore();
    const created = unwrap(
      await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "1", source: "cli" }),
    );
    const child: StoredThread = { ...created, sessionId: "019a0000-0000-7000-8000-000000000001" };
    expect(toV2Thread(child).sessionId).toBe(created.id);
  });

  it("forks a thread up to a turn into a new indexed thread", async () => {
    const store = await openStore();
    const source = unwrap(
      await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "1", source: "cli" }),
    );
    const turn = (id: string, text: string) => [
      {
        type: "event_msg",
        payload: {
          type: "task_started",
          turn_id: id,
          model_context_window: null,
          collaboration_mode_kind: "default",
        },
      },
      {
        type: "event_msg",
        payload: { type: "user_message", message: text, local_images: [], text_elements: [] },
      },
      { type: "event_msg", payload: { type: "task_complete", turn_id: id, last_agent_message: null } },
    ];
    unwrap(await store.append(source.id, [...turn("t1", "first ask"), ...turn("t2", "second ask")] as never));
    unwrap(await store.setName(source.id, "source name"));

    const fork = unwrap(await store.fork(source.id, { upTo: { turns: 1 } }));
    expect(fork.id).not.toBe(source.id);
    expect(fork).toMatchObject({
      forkedFromId: source.id,
      preview: "first ask",
      name: null,
      cwd: "/w",
      archived: false,
    });
    const loaded = unwrap(await store.load(fork.id));
    const messages = loaded.lines.flatMap((l) =>
      l.type === "event_msg" && l.payload.type === "user_message" ? [l.payload.message] : [],
    );
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
    expect(await store.list({ cursor: "garbage!" })).toMatchObject({
      ok: false,
      error: { code: "invalid_argument" },
    });
    expect(await store.list({ limit: -1 })).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
    const t = unwrap(await store.create({ cwd: "/w", modelProvider: "x", cliVersion: "1", id: "fixed-id" }));
    expect(await store.create({ cwd: "/w", modelProvider: "x", cliVersion: "1", id: t.id })).toMatchObject({
      ok: false,
      error: { code: "already_exists" },
    });
    // @ts-expect-error: an item without type
    expect(await store.append(t.id, [{ payload: {} }])).toMatchObject({
      ok: false,
      error: { code: "invalid_argument" },
    });
    // A turn_context without its required fields is rejected by the protocol schema.
    // @ts-expect-error: payload misses cwd/approval_policy
    expect(await store.append(t.id, [{ type: "turn_context", payload: { model: "m" } }])).toMatchObject({
      ok: false,
      error: { code: "invalid_argument", message: expect.stringContaining("turn_context") },
    });
  });

  it("tolerates a truncated or garbled last line", async () => {
    const file = writeRollout(home, { id: idFor(1), createdMs: Date.UTC(2026, 0, 2), preview: "hello" });
    appendRaw(
      file,
      'this is not json\n{"timestamp":"2026-01-02T00:00:00Z","type":"event_msg","payload":{"type":"agent_mes',
    );
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
    expect(
      page.data.map((t) => [t.id, t.preview, t.sourceKind, t.model, t.modelProvider, t.cliVersion]),
    ).toEqual([
      ["01a1fe48-5f01-77f1-83d8-0bc901263e77", "Say hello", "exec", "gpt-5.1-codex", "x", "0.169.0"],
      [
        "01a1fe48-8f0a-7c03-a8d8-66f123de48ae",
        "RUN_TOOL please list",
        "exec",
        "gpt-5.1-codex",
        "x",
        "0.169.0",
      ],
    ]);
    expect(page.data[0]).toMatchObject({
      cwd: "/tmp/rollout-fx/work",
      originator: "codex_exec",
      threadSource: "user",
    });
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
    const back = unwrap(
      await store.list({ cursor: second.backwardsCursor, sortDirection: "asc", limit: 25 }),
    );
    expect(back.data.map((t) => t.id)).toEqual(first.data.map((t) => t.id).reverse());
    // A cursor is tied to its sort.
    expect(await store.list({ cursor: first.nextCursor, sortKey: "updated_at" })).toMatchObject({
      ok: false,
    });
  }, 300_000);
});

describe("filters, search, names and archive", () => {
  async function seed(): Promise<LocalThreadStore> {
    const base = Date.UTC(2026, 4, 1);
    writeRollout(home, {
      id: idFor(1),
      createdMs: base + 1000,
      cwd: "/a",
      preview: "Refactor the Parser module",
      provider: "openai",
    });
    writeRollout(home, {
      id: idFor(2),
      createdMs: base + 2000,
      cwd: "/b",
      preview: "write docs",
      provider: "oss",
      source: "exec",
    });
    writeRollout(home, {
      id: idFor(3),
      createdMs: base + 3000,
      cwd: "/a",
      preview: "Ünïcode ÄPFEL",
      source: { subagent: "review" },
    });
    writeRollout(home, {
      id: idFor(4),
      createdMs: base + 4000,
      cwd: "/c",
      preview: "old stuff",
      archived: true,
    });
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
