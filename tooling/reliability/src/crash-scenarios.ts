/**
 * What runs when the crash suite SIGKILLs a binary: the model's script, the processes that must
 * not survive it, extra config, and for a patch, the files that must end up old or new.
 */
import { randomInt } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type FakeResponsesServer, mcpStdioTestServer, mcpToolCall, sse, turn } from "@codex-ts/test-support";

export type Entry = Parameters<FakeResponsesServer["enqueue"]>[0];

/** What runs when the binary is killed: the model's script, and the processes to find in /proc. */
export interface Scenario {
  script: Entry[];
  /** A string in the command lines of the processes that must not survive. */
  mark?: string;
  /** How many such processes run before the kill. */
  processes?: number;
  /** More config.toml (MCP servers). */
  config?: string;
  /** Kill only once this item started (exec's JSONL type, the app-server's v2 type). */
  started?: { exec: string; v2: string };
  /**
   * Prepares the work dir; `ready` says when to kill (polled every millisecond), `after` checks
   * the files once the binary is dead and returns a line for the figures.
   */
  files?: (work: string) => { ready: () => boolean; after: () => string };
}

/**
 * A shell command that runs long and is recognisable in /proc by its unique duration: a sleep and
 * a background one that ignores SIGHUP (a terminal's hangup must not be what kills the tree).
 */
function marker(): { command: string; mark: string } {
  const mark = `${40 + randomInt(50)}.${randomInt(100_000, 999_999)}`;
  return { command: `(trap '' HUP; exec sleep ${mark}) & sleep ${mark}`, mark };
}

/** exec_command running the marked command, on pipes or on a pty (unified exec's tty sessions). */
function commandRuns(tty: boolean): () => Scenario {
  return () => {
    const m = marker();
    const args = { cmd: m.command, yield_time_ms: 30_000, ...(tty ? { tty: true } : {}) };
    return { script: [turn(sse.functionCall("exec_command", args, { callId: "long" }))], mark: m.mark, processes: 2 };
  };
}

/** An MCP tool call that hangs: the SDK test server, marked by an argument it ignores. */
function mcpCallHangs(): Scenario {
  const mark = `mcp-crash-${randomInt(1e9)}`;
  const server = mcpStdioTestServer();
  return {
    script: [turn(mcpToolCall("probe", "slow", { ms: 600_000 }, "hang"))],
    mark,
    processes: 1,
    started: { exec: "mcp_tool_call", v2: "mcpToolCall" },
    config: [
      "",
      "[mcp_servers.probe]",
      `command = ${JSON.stringify(server.command)}`,
      `args = ${JSON.stringify([...server.args, `--marker=${mark}`])}`,
      "",
    ].join("\n"),
  };
}

/**
 * apply_patch updating many large files, killed once the first one changed: every file must then
 * be whole, old or new (it was written in place, so a kill could leave one truncated).
 */
function patchApplies(): Scenario {
  const FILES = 60;
  const LINES = 8_000;
  const name = (i: number) => `f${i}.txt`;
  const body = (i: number, first: string) =>
    `${first}\n${Array.from({ length: LINES - 1 }, (_, n) => `file ${i} line ${n + 1}`).join("\n")}\n`;
  const oldFirst = (i: number) => `file ${i} line 0`;
  const newFirst = (i: number) => `file ${i} line 0, changed by the patch`;
  const hunks = Array.from({ length: FILES }, (_, i) => `*** Update File: ${name(i)}\n@@\n-${oldFirst(i)}\n+${newFirst(i)}\n`);
  const patch = `*** Begin Patch\n${hunks.join("")}*** End Patch\n`;
  return {
    script: [turn(sse.customToolCall("apply_patch", patch, { callId: "patch" }))],
    files: (work) => {
      for (let i = 0; i < FILES; i++) writeFileSync(path.join(work, name(i)), body(i, oldFirst(i)));
      const oldSize = statSync(path.join(work, name(0))).size;
      return {
        ready: () => statSync(path.join(work, name(0))).size !== oldSize,
        after: () => {
          let changed = 0;
          const torn: string[] = [];
          for (let i = 0; i < FILES; i++) {
            const text = readFileSync(path.join(work, name(i)), "utf8");
            if (text === body(i, newFirst(i))) changed++;
            else if (text !== body(i, oldFirst(i))) torn.push(name(i));
          }
          if (torn.length > 0) throw new Error(`files neither old nor new after the kill: ${torn.join(", ")}`);
          return `${changed}/${FILES} files new, ${FILES - changed} old, 0 torn`;
        },
      };
    },
  };
}

export const WHILE: Record<string, () => Scenario> = {
  streaming: () => ({ script: [turn([sse.message("streaming and streaming")], { hold: true })] }),
  "a command runs": commandRuns(false),
  "a pty command runs": commandRuns(true),
  "an MCP tool call hangs": mcpCallHangs,
  "a patch applies": patchApplies,
};

