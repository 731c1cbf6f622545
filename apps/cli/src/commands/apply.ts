import { spawnSync } from "node:child_process";
import { readRollout } from "@codex-ts/rollout";
import { LocalThreadStore } from "@codex-ts/thread-store";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_OK, failure } from "../io.js";
import { lastTurnDiff } from "../sessions/diff.js";
import { findSession } from "../sessions/find.js";
import { APPLY } from "../specs/apply.js";
import { parseLeaf } from "./common.js";

/** `codex-ts apply [SESSION]`: the last turn's file changes, applied here with `git apply`. */
export async function runApplyCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseLeaf(APPLY, argv, io, "codex-ts apply");
  if ("exit" in parsed) return parsed.exit;
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  const ref = parsed.positionals[0];
  const opened = await LocalThreadStore.open({ codexHome: home.path });
  if (!opened.ok) return failure(io, opened.error.message);
  let found: Awaited<ReturnType<typeof findSession>>;
  try {
    found = await findSession(opened.value, ref !== undefined ? { kind: "id", id: ref } : { kind: "last", all: parsed.values.all === true }, { cwd: io.cwd });
  } finally {
    await opened.value.close();
  }
  if (!found.ok) return failure(io, found.error);
  if (!found.thread?.path) return failure(io, ref !== undefined ? `No session found matching '${ref}'.` : `no recorded session for ${io.cwd} (use --all)`);
  const contents = await readRollout(found.thread.path);
  if (!contents.ok) return failure(io, contents.error.message);
  const diff = lastTurnDiff(contents.value.lines, found.thread.cwd);
  if (diff === null) return failure(io, `session ${found.thread.id} changed no files`);
  const applied = spawnSync("git", ["apply", "-"], { cwd: io.cwd, input: diff, encoding: "utf8" });
  if (applied.error) return failure(io, `cannot run git: ${applied.error.message}`);
  if (applied.status !== 0) {
    const why = applied.stderr.trim().split("\n").filter(Boolean).slice(0, 3).join("; ");
    return failure(io, `git apply failed: ${why || `exit ${applied.status}`}`);
  }
  io.stdout.write(`Successfully applied the last turn's changes of session ${found.thread.id}.\n`);
  return EXIT_OK;
}
