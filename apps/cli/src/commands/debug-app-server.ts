import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { createInProcessConnection } from "@codex-ts/app-server";
import type { GlobalOverrides } from "../cli.js";
import { type CliIO, EXIT_FAILURE, EXIT_OK, usageError } from "../io.js";
import { threadSettings } from "../tui/command.js";
import { VERSION } from "../version.js";
import type { Parsed } from "./common.js";

const COMMAND = "codex-ts debug app-server send-message-v2";
const TURN_TIMEOUT_MS = 10 * 60_000;
const OPT_OUT = [
  "command/exec/outputDelta",
  "item/agentMessage/delta",
  "item/plan/delta",
  "item/fileChange/outputDelta",
  "item/reasoning/summaryTextDelta",
  "item/reasoning/textDelta",
];

/**
 * `codex-ts debug app-server send-message-v2 <USER_MESSAGE>`: as Codex's toy client, an app server
 * (here in this process) gets `initialize`, `thread/start` (with the -c overrides) and `turn/start`;
 * every message is printed as pretty JSON, `> ` for what the client sent and `< ` for what the
 * server sent, with a one-line summary after each response, until `turn/completed`.
 */
export async function sendMessageV2(parsed: Parsed, io: CliIO, globals: GlobalOverrides): Promise<number> {
  const message = parsed.positionals[0];
  if (message === undefined) return usageError(io, "the following required arguments were not provided: <USER_MESSAGE>", COMMAND);
  const settings = threadSettings(parsed.values, globals);
  if (!settings.ok) return usageError(io, settings.error, COMMAND);
  const connection = createInProcessConnection({
    env: io.env,
    stderr: new Writable({ write: (_c, _e, done) => done() }),
  });
  const print = (direction: ">" | "<", value: unknown) =>
    io.stdout.write(`${JSON.stringify(value, null, 2).split("\n").map((line) => `${direction} ${line}`).join("\n")}\n`);
  const pending = new Map<string, (result: { result?: unknown; error?: { message?: string } }) => void>();
  let turnDone: (ok: boolean) => void = () => {};
  const turnEnded = new Promise<boolean>((resolve) => {
    turnDone = resolve;
  });
  connection.onMessage((msg) => {
    print("<", msg);
    if (typeof msg.id === "string" && pending.has(msg.id) && !("method" in msg)) {
      pending.get(msg.id)!(msg as { result?: unknown; error?: { message?: string } });
      pending.delete(msg.id);
    } else if (msg.method === "turn/completed") {
      const turn = (msg.params as { turn?: { status?: string } } | undefined)?.turn;
      io.stdout.write(`< turn/completed notification: ${turn?.status ?? "unknown"}\n`);
      turnDone(turn?.status === "completed");
    } else if (typeof msg.method === "string" && "id" in msg) {
      // A server request (an approval): this toy client declines it.
      const answer = { id: msg.id, result: { decision: "decline" } };
      print(">", answer);
      connection.send(answer);
    }
  });
  connection.onClose(() => turnDone(false));
  const request = (method: string, params: unknown): Promise<unknown> => {
    const id = randomUUID();
    const sent = { id, method, params };
    print(">", sent);
    return new Promise((resolve, reject) => {
      pending.set(id, (answer) => {
        if (answer.error) reject(new Error(`${method} failed: ${answer.error.message ?? "error"}`));
        else {
          io.stdout.write(`< ${method} response: ${summary(answer.result)}\n`);
          resolve(answer.result);
        }
      });
      connection.send(sent);
    });
  };
  let code = EXIT_OK;
  try {
    await request("initialize", {
      clientInfo: { name: "codex-ts-debug-app-server", title: "codex-ts debug app-server", version: VERSION },
      // As Codex's toy client: the streaming deltas are left out (the completed items carry the text).
      capabilities: { experimentalApi: true, optOutNotificationMethods: OPT_OUT },
    });
    const initialized = { method: "initialized" };
    print(">", initialized);
    connection.send(initialized);
    const { config } = settings.settings;
    const started = (await request("thread/start", config && Object.keys(config).length > 0 ? { config } : {})) as { thread: { id: string } };
    await request("turn/start", { threadId: started.thread.id, input: [{ type: "text", text: message, text_elements: [] }] });
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([turnEnded, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), TURN_TIMEOUT_MS)))]);
    clearTimeout(timer);
    if (!ok) code = EXIT_FAILURE;
  } catch (error) {
    io.stderr.write(`Error: ${(error as Error).message}\n`);
    code = EXIT_FAILURE;
  } finally {
    connection.close();
    const exit = await connection.done;
    io.stdout.write(`[codex-ts app-server exited: exit status: ${exit}]\n`);
  }
  return code;
}

/** A short description of a response: the thread or turn it names, else its keys. */
function summary(result: unknown): string {
  const r = (result ?? {}) as { thread?: { id?: string }; turn?: { id?: string; status?: string }; userAgent?: string };
  if (r.thread?.id) return `thread ${r.thread.id}`;
  if (r.turn?.id) return `turn ${r.turn.id} (${r.turn.status ?? "?"})`;
  if (r.userAgent) return `userAgent ${r.userAgent}`;
  return Object.keys(r).join(", ") || "{}";
}
