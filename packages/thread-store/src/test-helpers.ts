// Test helpers: write rollout files the way another process (or real Codex) would.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { rolloutPath } from "@codex-ts/rollout";
import { afterEach, beforeEach } from "vitest";
import { LocalThreadStore } from "./local-store.js";
import type { ListThreadsParams, StoredThread, StoreResult } from "./types.js";

export interface FakeRollout {
  id: string;
  createdMs: number;
  cwd?: string;
  preview?: string;
  provider?: string;
  source?: unknown;
  archived?: boolean;
  model?: string;
}

/** Write a Codex-shaped rollout file directly; returns its path. */
export function writeRollout(codexHome: string, r: FakeRollout): string {
  const d = new Date(r.createdMs);
  const live = rolloutPath(codexHome, r.id, d);
  const file = r.archived ? path.join(codexHome, "archived_sessions", path.basename(live)) : live;
  mkdirSync(path.dirname(file), { recursive: true });
  const ts = d.toISOString();
  const lines: unknown[] = [
    {
      timestamp: ts,
      type: "session_meta",
      payload: {
        id: r.id,
        timestamp: ts,
        cwd: r.cwd ?? "/work/a",
        originator: "codex_cli_rs",
        cli_version: "0.169.0",
        source: r.source ?? "cli",
        model_provider: r.provider ?? "openai",
        base_instructions: { text: "be helpful" },
      },
    },
    {
      timestamp: ts,
      type: "response_item",
      payload: {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "<environment_context>\n  <cwd>/x</cwd>\n</environment_context>" },
        ],
      },
    },
  ];
  if (r.model)
    lines.push({ timestamp: ts, type: "turn_context", payload: { cwd: r.cwd ?? "/work/a", model: r.model } });
  if (r.preview !== undefined) {
    lines.push({
      timestamp: ts,
      type: "event_msg",
      payload: { type: "user_message", message: r.preview, images: [] },
    });
  }
  writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
  return file;
}

export function appendRaw(file: string, text: string): void {
  appendFileSync(file, text);
}

/** A deterministic UUID-looking id from a number. */
export function idFor(n: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return `0199aaaa-0000-7000-8000-${hex}`;
}

export function unwrap<T>(result: StoreResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** The running test's CODEX_HOME (a live binding, set by {@link useStoreHome}'s `beforeEach`). */
export let home = "";
/** The stores the running test opened (closed after it); push one opened with options. */
export const openStores: LocalThreadStore[] = [];

/** A fresh CODEX_HOME per test (removed after it), and the test's stores closed after it. */
export function useStoreHome(prefix: string): void {
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const s of openStores.splice(0)) await s.close();
    await rm(home, { recursive: true, force: true });
  });
}

/** Opens the local store on the test's CODEX_HOME (closed after the test). */
export async function openStore(): Promise<LocalThreadStore> {
  const store = unwrap(await LocalThreadStore.open({ codexHome: home }));
  openStores.push(store);
  return store;
}

/** Closes a store before the test ends. */
export async function closeStore(store: LocalThreadStore): Promise<void> {
  openStores.splice(openStores.indexOf(store), 1);
  await store.close();
}

/** {@link useStoreHome} as an object: `home`, `open()`, and `forget(store)` for a store the test closes itself. */
export function tempStoreHome(prefix: string): {
  readonly home: string;
  open(): Promise<LocalThreadStore>;
  forget(store: LocalThreadStore): void;
} {
  useStoreHome(prefix);
  return {
    get home() {
      return home;
    },
    open: openStore,
    forget(store) {
      openStores.splice(openStores.indexOf(store), 1);
    },
  };
}

/** Walk every page; returns all ids in order and the number of pages. */
export async function listAll(
  store: LocalThreadStore,
  params: ListThreadsParams,
): Promise<{ ids: string[]; threads: StoredThread[]; pages: number }> {
  const threads: StoredThread[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { data: StoredThread[]; nextCursor: string | null } = unwrap(
      await store.list({ ...params, cursor }),
    );
    threads.push(...page.data);
    cursor = page.nextCursor;
    pages++;
    if (pages > 100_000) throw new Error("pagination does not terminate");
  } while (cursor);
  return { ids: threads.map((t) => t.id), threads, pages };
}
