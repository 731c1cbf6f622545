/**
 * `thread/shellCommand`: a user's `!cmd` in a thread, as Codex runs it — unsandboxed, with full
 * access, in the thread's cwd, as `/bin/bash -lc <cmd>`. Its progress is a `commandExecution` item
 * with `source: "userShell"` (item/started, output deltas, item/completed); on an idle thread it
 * is wrapped in its own turn (thread active → turn/started … turn/completed → idle), during a turn
 * it belongs to that turn. The output then goes into the thread's history, so the model sees it on
 * its next request. The item is not written to the rollout (a limitation: Codex persists it).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { guardSession, releaseSession } from "@codex-ts/core";
import type { ResponseItem } from "@codex-ts/protocol";
import { parseCommandActions } from "./command-actions.js";

/** What the shell command needs from its thread. */
export interface ShellThread {
  readonly id: string;
  readonly activeTurnId: string | null;
  cwd(): string;
  emit(method: string, params: unknown): void;
  /** Marks the thread busy (true) or idle (false) and reports the status change. */
  setUserShellTurn(turnId: string | null): void;
  inject(items: ResponseItem[]): void;
}

const MAX_OUTPUT = 1024 * 1024;

export function runUserShellCommand(thread: ShellThread, command: string, timeoutMs: number | null): void {
  const ownTurn = thread.activeTurnId === null;
  const turnId = thread.activeTurnId ?? randomUUID();
  const itemId = randomUUID();
  const cwd = thread.cwd();
  const argv = ["/bin/bash", "-lc", command];
  const shown = `/bin/bash -lc ${JSON.stringify(command)}`;
  const startedAtMs = Date.now();
  const startedAt = Math.floor(startedAtMs / 1000);
  const base = { threadId: thread.id, turnId };
  const item = (status: string, extra: Record<string, unknown>) => ({
    type: "commandExecution",
    id: itemId,
    command: shown,
    cwd,
    processId: null,
    source: "userShell",
    status,
    commandActions: parseCommandActions(argv),
    aggregatedOutput: null,
    exitCode: null,
    durationMs: null,
    ...extra,
  });
  const turnView = (status: string, items: unknown[], completedAt: number | null) => ({
    id: turnId,
    items,
    status,
    error: null,
    startedAt,
    completedAt,
    durationMs: completedAt === null ? null : Date.now() - startedAtMs,
  });
  if (ownTurn) {
    thread.setUserShellTurn(turnId);
    thread.emit("turn/started", { threadId: thread.id, turn: turnView("inProgress", [], null) });
  }
  thread.emit("item/started", { ...base, item: item("inProgress", {}), startedAtMs });
  let output = "";
  // Its own session, guarded by core's reaper: it dies with this server (SIGKILL included).
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  guardSession(child.pid);
  const onData = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    if (output.length < MAX_OUTPUT) output += text;
    thread.emit("item/commandExecution/outputDelta", { ...base, itemId, delta: text });
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const timer = timeoutMs ? setTimeout(() => child.kill("SIGKILL"), timeoutMs) : undefined;
  timer?.unref();
  let finished = false;
  const finish = (exitCode: number, failure: string | null) => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    const aggregatedOutput = failure ?? output;
    const done = item(exitCode === 0 ? "completed" : "failed", {
      aggregatedOutput,
      exitCode,
      durationMs: Date.now() - startedAtMs,
    });
    thread.emit("item/completed", { ...base, item: done, completedAtMs: Date.now() });
    thread.inject([
      {
        type: "message",
        role: "user",
        content: [
          {
            type: "input_text",
            text: `<user_shell_command>\n<command>${command}</command>\n<exit_code>${exitCode}</exit_code>\n<output>\n${aggregatedOutput}\n</output>\n</user_shell_command>`,
          },
        ],
      } as ResponseItem,
    ]);
    if (ownTurn) {
      thread.setUserShellTurn(null);
      thread.emit("turn/completed", {
        threadId: thread.id,
        turn: turnView("completed", [done], Math.floor(Date.now() / 1000)),
      });
    }
  };
  child.on("error", (error) => finish(-1, `failed to start the command: ${error.message}`));
  child.on("close", (code, signal) => {
    releaseSession(child.pid);
    finish(code ?? (signal ? 128 + 9 : -1), null);
  });
}
