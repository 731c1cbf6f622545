/**
 * Test rig: the TUI's controller on a real in-process app-server whose model is the fake
 * Responses server (tooling/test-support), in a temporary CODEX_HOME and work folder.
 * For tests only (never imported by the TUI).
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type FakeResponsesServer,
  type ScriptEntry,
  sse,
  startFakeResponsesServer,
  turn,
  writeFakeProviderConfig,
} from "@codex-ts/test-support";
import { afterEach } from "vitest";
import type { ChannelClient } from "./client.js";
import { connectInProcess } from "./connect.js";
import { Controller, type ThreadSettings } from "./controller.js";
import { reduce } from "./state/reducer.js";
import { createStore } from "./state/store.js";
import { initialState } from "./state/types.js";

export interface Rig {
  server: FakeResponsesServer;
  codexHome: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  client: ChannelClient;
  controller: Controller;
  exited: () => boolean;
  close(): Promise<void>;
}

export interface RigOptions {
  script?: ScriptEntry[];
  /** TOML appended to the fake provider's config.toml. */
  extraConfig?: string;
  settings?: ThreadSettings;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), "tui-rig-")));
  const codexHome = path.join(root, "home");
  const cwd = path.join(root, "work");
  for (const dir of [codexHome, cwd]) mkdirSync(dir, { recursive: true });
  const server = await startFakeResponsesServer({ script: options.script ?? [] });
  writeFakeProviderConfig(codexHome, server.url, options.extraConfig ? { extra: options.extraConfig } : {});
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: root,
    CODEX_HOME: codexHome,
    OPENAI_API_KEY: "sk-test",
    CODEX_TS_APP_SERVER_PREWARM: "0",
  };
  const { client } = await connectInProcess({ env });
  let exited = false;
  const controller = new Controller(client, createStore(reduce, initialState), {
    cwd,
    settings: options.settings ?? {},
    env,
    exit: () => {
      exited = true;
    },
  });
  return {
    server,
    codexHome,
    cwd,
    env,
    client,
    controller,
    exited: () => exited,
    async close() {
      await client.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it is truthy (or fails after `timeoutMs`). */
export async function until<T>(check: () => T, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Registers an afterEach that closes the rigs a test started; returns the starter. */
export function rigsPerTest(): (options?: RigOptions) => Promise<Rig> {
  const started: Rig[] = [];
  afterEach(async () => {
    for (const rig of started.splice(0)) await rig.close();
  });
  return async (options) => {
    const rig = await startRig(options);
    started.push(rig);
    return rig;
  };
}

/** Writes `text` to an Ink test stdin, then lets the screen catch up. */
export async function typeKeys(
  stdin: { write(s: string): void },
  text: string,
  settleMs = 40,
): Promise<void> {
  stdin.write(text);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
}

/** The composer's line in an Ink frame (the last line starting with the prompt glyph). */
export function composerLine(frame: string): string {
  return (
    frame
      .split("\n")
      .filter((l) => l.startsWith("› "))
      .at(-1) ?? ""
  );
}

/** The model starts `cmd` with a short yield (so it outlives its tool call), then ends the turn. */
export function leaveRunningScript(cmd: string, answer = "left it running"): ScriptEntry[] {
  return [
    turn(sse.functionCall("exec_command", { cmd, yield_time_ms: 250 }, { callId: "bg1" })),
    turn(sse.message(answer, { phase: "final_answer" })),
  ];
}
