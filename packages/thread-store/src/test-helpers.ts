// Test helpers: write rollout files the way another process (or real Codex) would.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { rolloutPath } from "@codex-ts/rollout";
import { afterEach, beforeEach } from "vitest";
import { LocalThreadStore } from "./local-store.js";
import type { StoreResult } from "./types.js";

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
        content: [{ type: "input_text", text: "<environment_context>\n  <cwd>/x</cwd>\n</environment_context>" }],
      },
    },
  ];
  if (r.model) lines.push({ timestamp: ts, type: "turn_context", payload: { cwd: r.cwd ?? "/work/a", model: r.model } });
  if (r.preview !== undefined) {
    lines.push({ timestamp: ts, type: "event_msg", payload: { type: "user_message", message: r.preview, images: [] } });
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

/** A fresh CODEX_HOME per test (removed after it) and the stores opened on it (closed after it). */
export function tempStoreHome(prefix: string): { readonly home: string; open(): Promise<LocalThreadStore>; forget(store: LocalThreadStore): void } {
  let home = "";
  const stores: LocalThreadStore[] = [];
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    await rm(home, { recursive: true, force: true });
  });
  return {
    get home() {
      return home;
    },
    async open() {
      const store = unwrap(await LocalThreadStore.open({ codexHome: home }));
      stores.push(store);
      return store;
    },
    forget(store) {
      stores.splice(stores.indexOf(store), 1);
    },
  };
}
