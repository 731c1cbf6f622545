// Shared helpers for session end-to-end tests (not exported from the package).
import { appendFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type FakeResponsesServer, startFakeResponsesServer } from "@codex-ts/test-support";
import { afterEach, beforeEach } from "vitest";
import type { ModelProviderInfo } from "../client/provider.js";
import type { SessionEvent } from "./events.js";
import { createSession, type Session, type SessionOptions } from "./session.js";

export interface Harness {
  session: Session;
  events: SessionEvent[];
  /** Resolves once `predicate` matched an event (waits, never sleeps a fixed time). */
  waitFor(predicate: (e: SessionEvent) => boolean, timeoutMs?: number): Promise<SessionEvent>;
  turnEnd(): Promise<SessionEvent>;
}

export function fakeProvider(server: FakeResponsesServer): ModelProviderInfo {
  return { name: "fake", base_url: server.url, wire_api: "responses", env_key: "FAKE_KEY" };
}

export function startSession(server: FakeResponsesServer, dir: string, extra: Partial<SessionOptions> = {}): Harness {
  const events: SessionEvent[] = [];
  const waiters: Array<() => void> = [];
  const session = createSession({
    cwd: dir,
    model: "gpt-test",
    provider: fakeProvider(server),
    providerId: "fake",
    approvalPolicy: "never",
    sandboxPolicy: { type: "danger-full-access" },
    env: { FAKE_KEY: "k", PATH: process.env.PATH, SHELL: "/bin/bash", HOME: dir },
    retry: { baseDelayMs: 1 },
    tools: { shellTool: "shell_command" },
    ...extra,
  });
  session.subscribe((e) => {
    // DEBUG_EVENTS=<file> traces every event while debugging a test.
    if (process.env.DEBUG_EVENTS) appendFileSync(process.env.DEBUG_EVENTS, `${e.id} ${e.msg.type} ${JSON.stringify(e.msg).slice(0, 200)}\n`);
    events.push(e);
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = (predicate: (e: SessionEvent) => boolean, timeoutMs = 30_000) =>
    new Promise<SessionEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`event not seen; got: ${events.map((e) => e.msg.type).join(", ")}`)), timeoutMs);
      const check = () => {
        const found = events.find(predicate);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });
  const turnEnd = () => waitFor((e) => e.msg.type === "task_complete" || e.msg.type === "turn_aborted");
  return { session, events, waitFor, turnEnd };
}

export const say = (text: string) => ({ type: "user_input" as const, items: [{ type: "text" as const, text, text_elements: [] }] });

/** The text of every message in a request's input, as `role:text`. */
export function messageTexts(input: any[]): string[] {
  return input.filter((i) => i.type === "message").map((i) => `${i.role}:${i.content.map((c: any) => c.text ?? "").join("")}`);
}

/** What `useSessionDirs` makes for each test. */
export interface SessionDirs {
  server: FakeResponsesServer;
  dir: string;
  home: string;
  work: string;
}

/**
 * Per test: a fake Responses server and a temp dir (`prefix`…) holding `home/` and `work/`, handed
 * to `assign`; after the test, `beforeCleanup` (e.g. shutting the session down), then the server is
 * closed and the dir removed.
 */
export function useSessionDirs(
  prefix: string,
  assign: (dirs: SessionDirs) => void,
  beforeCleanup?: () => Promise<void>,
): void {
  let current: SessionDirs | undefined;
  beforeEach(async () => {
    const server = await startFakeResponsesServer();
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
    current = { server, dir, home: path.join(dir, "home"), work: path.join(dir, "work") };
    mkdirSync(current.home);
    mkdirSync(current.work);
    assign(current);
  });
  afterEach(async () => {
    await beforeCleanup?.();
    if (!current) return;
    await current.server.close();
    rmSync(current.dir, { recursive: true, force: true });
    current = undefined;
  });
}
