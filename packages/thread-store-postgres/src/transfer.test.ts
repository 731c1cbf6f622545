/** Moving threads between the local store and PostgreSQL in the transfer format, losslessly. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { RolloutItem } from "@codex-ts/protocol";
import {
  allThreadIds,
  LocalThreadStore,
  openThreadStore,
  parseTransferLine,
  serializeTransferLine,
  type ThreadStore,
} from "@codex-ts/thread-store";
import { goalFor, unwrapResult } from "@codex-ts/thread-store/contract";
import { afterEach, describe, expect, it } from "vitest";
import { PostgresThreadStore } from "./index.js";
import { freshSchema, TestStores, testUrl } from "./test-schemas.js";

const stores = new TestStores();
const dirs: string[] = [];
const locals: LocalThreadStore[] = [];
afterEach(async () => {
  await stores.cleanup();
  for (const s of locals.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function localStore(): Promise<LocalThreadStore> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "codex-ts-transfer-"));
  dirs.push(dir);
  const store = unwrapResult(await LocalThreadStore.open({ codexHome: dir }));
  locals.push(store);
  return store;
}

async function exportAll(store: ThreadStore): Promise<string[]> {
  const out: string[] = [];
  for (const id of unwrapResult(await allThreadIds(store))) out.push(serializeTransferLine(unwrapResult(await store.exportThread(id))));
  return out;
}

async function importAll(store: ThreadStore, jsonl: string[]): Promise<void> {
  for (const line of jsonl) unwrapResult(await store.importThread(unwrapResult(parseTransferLine(line))));
}

const items = (text: string): RolloutItem[] =>
  [
    { type: "event_msg", payload: { type: "task_started", turn_id: `t-${text}`, model_context_window: null } },
    { type: "event_msg", payload: { type: "user_message", message: text, images: [] } },
    { type: "response_item", payload: { type: "message", role: "assistant", content: [{ type: "output_text", text: `ok ${text} ✓` }] } },
    { type: "event_msg", payload: { type: "task_complete", turn_id: `t-${text}`, last_agent_message: "ok" } },
  ] as RolloutItem[];

describe("threads export | import", () => {
  it("local → PostgreSQL → local keeps every history line byte for byte, with names, archive state and goals", async () => {
    const source = await localStore();
    const a = unwrapResult(await source.create({ cwd: "/w", modelProvider: "openai", cliVersion: "0", source: "cli" }));
    unwrapResult(await source.append(a.id, [...items("première"), ...items("second")]));
    unwrapResult(await source.setName(a.id, "kept name"));
    unwrapResult(await source.setGoal(a.id, goalFor(a.id, "kept goal")));
    const b = unwrapResult(await source.create({ cwd: "/w", modelProvider: "openai", cliVersion: "0", source: "exec" }));
    unwrapResult(await source.append(b.id, items("archived one")));
    unwrapResult(await source.archive(b.id));
    const fileText = await readFile(unwrapResult(await source.read(a.id)).path!, "utf8");

    const first = await exportAll(source);
    expect(first).toHaveLength(2);
    const pg = await stores.open();
    await importAll(pg, first);
    const viaPg = await exportAll(pg);
    const target = await localStore();
    await importAll(target, viaPg);
    const last = await exportAll(target);

    const lines = (jsonl: string[]) => jsonl.map((l) => unwrapResult(parseTransferLine(l)).lines);
    expect(lines(viaPg)).toEqual(lines(first));
    expect(lines(last)).toEqual(lines(first));
    expect(await readFile(unwrapResult(await target.read(a.id)).path!, "utf8")).toBe(fileText);
    const restored = unwrapResult(await target.read(a.id));
    expect(restored).toMatchObject({ name: "kept name", preview: "première", archived: false });
    expect(unwrapResult(await target.read(b.id))).toMatchObject({ archived: true, sourceKind: "exec" });
    expect(unwrapResult(await target.getGoal(a.id))?.objective).toBe("kept goal");
    // Importing again does not duplicate anything.
    expect(await pg.importThread(unwrapResult(parseTransferLine(first[0]!)))).toMatchObject({ ok: false, error: { code: "already_exists" } });
    expect(parseTransferLine('{"format":"other"}')).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
  });
});

describe("openThreadStore", () => {
  it("opens the PostgreSQL store for a postgres:// URL and refuses other schemes or a missing package", async () => {
    const schema = freshSchema();
    const url = `${testUrl()}${testUrl().includes("?") ? "&" : "?"}search_path=${schema}`;
    // Make the schema first, so the URL's search_path names an existing one.
    await stores.open({ schema });
    const opened = unwrapResult(await openThreadStore({ codexHome: "/nonexistent", url, importPackage: () => import("./index.js") }));
    try {
      expect(opened).toBeInstanceOf(PostgresThreadStore);
      expect(opened.location).toBe("remote");
      const created = unwrapResult(await opened.create({ cwd: "/w", modelProvider: "p", cliVersion: "0" }));
      const [row] = await (opened as PostgresThreadStore).sql`SELECT current_schema() AS s, count(*)::int AS n FROM codex_threads WHERE id = ${created.id}`;
      expect(row).toEqual({ s: schema, n: 1 });
    } finally {
      await opened.close();
    }
    expect(await openThreadStore({ codexHome: "/x", url: "mysql://h/db" })).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
    const missing = await openThreadStore({ codexHome: "/x", url: "postgres://h/db", importPackage: () => Promise.reject(new Error("Cannot find package")) });
    expect(missing).toMatchObject({ ok: false, error: { code: "unsupported" } });
    expect(!missing.ok && missing.error.message).toMatch(/@codex-ts\/thread-store-postgres cannot be loaded/);
  });
});
