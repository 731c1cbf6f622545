import { existsSync } from "node:fs";
import path from "node:path";
import { AppServerClient, QueueStore, RemoteRpcError } from "@codex-ts/app-server";
import { newThreadId } from "@codex-ts/rollout";
import { LocalThreadStore } from "@codex-ts/thread-store";
import type { GlobalOverrides } from "../cli.js";
import { loadCliConfig } from "../config.js";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";
import { stringValue } from "../parse.js";
import { findSession, isUuid } from "../sessions/find.js";
import { QUEUE } from "../specs/queue.js";
import { VERSION } from "../version.js";
import { parseLeaf } from "./common.js";

const COMMAND = "codex-ts queue";

/**
 * `codex-ts queue --thread <UUID|NAME> --message <TEXT> [--resume] [--remote ADDR]`, as Codex 0.169:
 * through `--remote` (or the local daemon's control socket when one answers) the message goes to
 * that server's `thread/queue/add`; otherwise straight into CODEX_HOME/queue_1.sqlite, where the
 * thread's next `exec resume` or an app-server that has it loaded picks it up.
 */
export async function runQueueCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  const parsed = parseLeaf(QUEUE, argv, io, COMMAND);
  if ("exit" in parsed) return parsed.exit;
  const target = stringValue(parsed.values, "thread");
  const message = stringValue(parsed.values, "message");
  const missing = [target === undefined ? "--thread <THREAD>" : "", message === undefined ? "--message <TEXT>" : ""].filter(Boolean);
  if (missing.length > 0) return usageError(io, `the following required arguments were not provided: ${missing.join(" ")}`, COMMAND);
  if (target!.trim() === "") return usageError(io, "a value is required for '--thread <THREAD>' but none was supplied", COMMAND);
  if (message!.trim() === "") return usageError(io, "a value is required for '--message <TEXT>' but none was supplied", COMMAND);
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  // The config is checked as Codex checks it at start-up (-c syntax, -p, --strict-config); the
  // queued message itself runs with the thread's own settings.
  const loaded = loadCliConfig(parsed.values, globals, io.env, io.cwd);
  if (!loaded.ok) return loaded.usage ? usageError(io, loaded.error, COMMAND) : failure(io, loaded.error);

  const remote = stringValue(parsed.values, "remote");
  const tokenEnv = stringValue(parsed.values, "remote-auth-token-env");
  let address: string | undefined;
  if (remote !== undefined) {
    const checked = remoteAddress(remote, home.path);
    if (!checked.ok) return failure(io, checked.error);
    address = checked.address;
  } else if (tokenEnv !== undefined) {
    return usageError(io, "--remote-auth-token-env needs --remote", COMMAND);
  }
  let bearerToken: string | undefined;
  if (tokenEnv !== undefined) {
    bearerToken = io.env[tokenEnv];
    if (!bearerToken) return failure(io, `environment variable ${tokenEnv} is not set or empty`);
  }

  let client: AppServerClient | undefined;
  if (address) {
    try {
      client = await AppServerClient.connect(address, { bearerToken, clientName: "codex-ts-queue", version: VERSION });
    } catch (error) {
      return failure(io, `failed to connect to remote app server at \`${remote}\`: ${(error as Error).message}`);
    }
  } else {
    // As Codex: a running local daemon (the control socket) takes the message if it answers.
    const socket = path.join(home.path, "app-server-control", "app-server-control.sock");
    if (existsSync(socket)) client = await AppServerClient.connect(`unix://${socket}`, { clientName: "codex-ts-queue", version: VERSION }).catch(() => undefined);
  }
  const resume = parsed.values.resume === true;
  if (client) {
    try {
      return await queueThroughServer(client, target!, message!, resume, remote ? "remote app server" : "local daemon", io);
    } finally {
      client.close();
    }
  }
  const queued = await queueLocally(home.path, target!, message!, io);
  if (typeof queued === "number") return queued;
  if (resume) {
    io.stderr.write(`Warning: message was queued, but could not resume thread ${queued.threadId}: start a local daemon or specify a server with --remote\n`);
  }
  return EXIT_OK;
}

/** The thread queued to, or the exit code of a failure (already reported). */
async function queueLocally(codexHome: string, target: string, message: string, io: CliIO): Promise<{ threadId: string } | number> {
  const opened = await LocalThreadStore.open({ codexHome });
  if (!opened.ok) return failure(io, opened.error.message);
  const threads = opened.value;
  let threadId: string;
  try {
    const found = await findSession(threads, { kind: "id", id: target }, { cwd: io.cwd, archived: false });
    if (!found.ok) return failure(io, `failed to queue session message: ${found.error}`);
    if (!found.thread) {
      return failure(
        io,
        isUuid(target) ? `failed to queue session message: no rollout found for thread id ${target}` : `No active session found matching '${target}'.`,
      );
    }
    threadId = found.thread.id;
  } finally {
    await threads.close();
  }
  let queue: QueueStore;
  try {
    queue = QueueStore.open(codexHome);
  } catch (error) {
    return failure(io, `failed to queue session message: cannot open the queue: ${(error as Error).message}`);
  }
  try {
    const item = queue.add(threadId, [{ type: "text", text: message, text_elements: [] }]);
    io.stdout.write(`Queued message ${item.id} for thread ${threadId}.\n`);
    return { threadId };
  } catch (error) {
    return failure(io, `failed to queue session message: ${(error as Error).message}`);
  } finally {
    queue.close();
  }
}

async function queueThroughServer(client: AppServerClient, target: string, message: string, resume: boolean, server: string, io: CliIO): Promise<number> {
  let threadId = target;
  if (!isUuid(target)) {
    try {
      const page = (await client.request("thread/list", { searchTerm: target, limit: 100 })) as { data?: { id: string; name?: string | null }[] };
      const match = page.data?.find((t) => t.name === target);
      if (!match) return failure(io, `No active session found matching '${target}'.`);
      threadId = match.id;
    } catch (error) {
      return failure(io, `failed to look up session '${target}': ${(error as Error).message}`);
    }
  }
  let queuedId: string;
  try {
    const added = (await client.request("thread/queue/add", {
      threadId,
      input: [{ type: "text", text: message, text_elements: [] }],
      clientUserMessageId: newThreadId(),
    })) as { queuedSubmission?: { id?: string } };
    queuedId = added.queuedSubmission?.id ?? "";
  } catch (error) {
    if (error instanceof RemoteRpcError && error.code === -32601) {
      return failure(io, `the ${server} does not support thread/queue/add; update or restart the ${server}`);
    }
    return failure(io, `failed to queue session message: thread/queue/add failed: ${(error as Error).message}`);
  }
  io.stdout.write(`Queued message ${queuedId} for thread ${threadId}.\n`);
  if (resume) {
    try {
      await client.request("thread/resume", { threadId });
    } catch (error) {
      io.stderr.write(`Warning: message was queued, but could not resume thread ${threadId}: ${(error as Error).message}\n`);
    }
  }
  return EXIT_OK;
}

/** `--remote`'s accepted forms (Codex's wording for anything else); `unix://` alone is the default control socket. */
function remoteAddress(value: string, codexHome: string): { ok: true; address: string } | { ok: false; error: string } {
  const invalid = { ok: false as const, error: `invalid remote address \`${value}\`; expected \`ws://host:port\`, \`wss://host:port\`, \`unix://\`, or \`unix://PATH\`` };
  if (value === "unix://") return { ok: true, address: `unix://${path.join(codexHome, "app-server-control", "app-server-control.sock")}` };
  if (value.startsWith("unix://")) return { ok: true, address: `unix://${path.resolve(value.slice("unix://".length))}` };
  try {
    const url = new URL(value);
    if ((url.protocol === "ws:" || url.protocol === "wss:") && url.hostname && url.port) return { ok: true, address: value };
  } catch {
    // falls through to the error
  }
  return invalid;
}
