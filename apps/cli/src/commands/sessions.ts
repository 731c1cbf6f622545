import { createInterface } from "node:readline/promises";
import { LocalThreadStore, type StoredThread, type ThreadStore } from "@codex-ts/thread-store";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";
import { findSession, isUuid } from "../sessions/find.js";
import { ARCHIVE, DELETE, UNARCHIVE } from "../specs/sessions.js";
import { parseLeaf } from "./common.js";

type Action = "archive" | "unarchive" | "delete";
const SPECS = { archive: ARCHIVE, unarchive: UNARCHIVE, delete: DELETE } as const;

/** `codex-ts archive|unarchive|delete <SESSION>`: Codex's messages and exit codes. */
export async function runSessionCommand(action: Action, argv: readonly string[], io: CliIO): Promise<number> {
  const command = `codex-ts ${action}`;
  const parsed = parseLeaf(SPECS[action], argv, io, command);
  if ("exit" in parsed) return parsed.exit;
  const ref = parsed.positionals[0];
  if (ref === undefined) return usageError(io, "the following required argument was not provided: <SESSION>", command);
  const force = parsed.values.force === true;
  if (action === "delete" && force && !isUuid(ref)) return usageError(io, "--force needs a session UUID, not a name", command);
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  const opened = await LocalThreadStore.open({ codexHome: home.path });
  if (!opened.ok) return failure(io, opened.error.message);
  const store = opened.value;
  try {
    return await act(store, action, ref, force, io);
  } finally {
    await store.close();
  }
}

async function act(store: ThreadStore, action: Action, ref: string, force: boolean, io: CliIO): Promise<number> {
  const archived = action === "archive" ? false : action === "unarchive" ? true : undefined;
  const found = await findSession(store, { kind: "id", id: ref }, { cwd: io.cwd, ...(archived === undefined ? {} : { archived }) });
  if (!found.ok) return failure(io, found.error);
  const thread = found.thread;
  if (!thread) {
    const which = archived === undefined ? "" : archived ? "archived " : "active ";
    return failure(io, `No ${which}session found matching '${ref}'.`);
  }
  if (action === "delete" && !force) {
    const confirmed = await confirmDelete(thread, io);
    if (confirmed !== true) return confirmed === false ? EXIT_OK : failure(io, confirmed.error);
  }
  const done =
    action === "archive" ? await store.archive(thread.id) : action === "unarchive" ? await store.unarchive(thread.id) : await store.delete(thread.id);
  if (!done.ok) return failure(io, `failed to ${action} session: ${done.error.message}`);
  const verb = action === "archive" ? "Archived" : action === "unarchive" ? "Unarchived" : "Deleted";
  io.stdout.write(`${verb} session ${thread.id}.\n`);
  return EXIT_OK;
}

/** Asks on the terminal; without one, deleting needs --force (as Codex). */
async function confirmDelete(thread: StoredThread, io: CliIO): Promise<boolean | { error: string }> {
  if (!io.stdin.isTTY) {
    return { error: "cannot confirm session deletion without an interactive terminal; rerun with --force and a session UUID" };
  }
  const label = thread.name ? `${thread.id} (${thread.name})` : thread.id;
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`Permanently delete session ${label}? [y/N] `);
    if (/^y(es)?$/i.test(answer.trim())) return true;
    io.stderr.write("Not deleted.\n");
    return false;
  } finally {
    rl.close();
  }
}
