import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import type { RolloutItem } from "@codex-ts/protocol";
import { createLocalRunner } from "../tools/exec/runner.js";
import { localTimezone } from "./context.js";
import type { SessionEventMsg } from "./events.js";
import { createSession, rolloutRecorder } from "./session.js";

export interface PrewarmOptions {
  /**
   * The warm-up turn's model is a throw-away HTTP server on 127.0.0.1 (ephemeral port, closed right
   * after), so the first real model request does not pay for the HTTP client's first use. Default
   * true; when false, or when listening fails, the answers come from in-memory `Response`s.
   */
  loopbackHttp?: boolean;
}

const TURN_TIMEOUT_MS = 30_000;

/** Lets queued I/O (a client's requests) run between warm-up steps. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
const call = { type: "function_call", id: "fc_warm", name: "exec_command", arguments: '{"cmd":"true","shell":"/bin/sh","login":false}', call_id: "call_warm", status: "completed" };
const answer = { type: "message", id: "msg_warm", role: "assistant", status: "completed", content: [{ type: "output_text", text: "done", annotations: [] }], phase: "final_answer" };
const reasoning = { type: "reasoning", id: "rs_warm", summary: [{ type: "summary_text", text: "thinking" }] };

/** The model's two answers in the warm-up turn: reasoning + exec_command `true`, then a final answer. */
const created = { type: "response.created", response: { id: "resp_warm", status: "in_progress", model: "warm" } };
const ANSWERS: Array<Array<Record<string, unknown>>> = [
  [
    created,
    { type: "response.in_progress", response: { id: "resp_warm", status: "in_progress" } },
    { type: "response.output_item.added", output_index: 0, item: reasoning },
    { type: "response.reasoning_summary_part.added", item_id: "rs_warm", output_index: 0, summary_index: 0 },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_warm", output_index: 0, summary_index: 0, delta: "thinking" },
    { type: "response.output_item.done", output_index: 0, item: reasoning },
    { type: "response.output_item.added", output_index: 1, item: { ...call, arguments: "", status: "in_progress" } },
    { type: "response.function_call_arguments.delta", item_id: "fc_warm", output_index: 1, delta: call.arguments },
    { type: "response.output_item.done", output_index: 1, item: call },
    { type: "response.completed", response: { id: "resp_warm", status: "completed", output: [reasoning, call], usage } },
  ],
  [
    created,
    { type: "response.output_item.added", output_index: 0, item: { ...answer, content: [], status: "in_progress" } },
    { type: "response.content_part.added", item_id: "msg_warm", output_index: 0, content_index: 0, part: { type: "output_text", text: "", annotations: [] } },
    { type: "response.output_text.delta", item_id: "msg_warm", output_index: 0, content_index: 0, delta: "done" },
    { type: "response.output_text.done", item_id: "msg_warm", output_index: 0, content_index: 0, text: "done" },
    { type: "response.output_item.done", output_index: 0, item: answer },
    { type: "response.completed", response: { id: "resp_warm", status: "completed", output: [answer], usage } },
  ],
];

/** The SSE body of the warm-up model's `n`-th answer (later requests get the final answer again). */
function answerFor(n: number): string {
  const events = ANSWERS[Math.min(n, ANSWERS.length - 1)] ?? [];
  return events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

/** What the warm-up did. */
export interface PrewarmReport {
  /** What went wrong (a step that failed, a recorded line that did not parse); empty when all went well. */
  problems: string[];
  /**
   * The warm-up turn's events and the rollout items its session recorded, for a server to warm its
   * own paths with (what it persists, how it maps events to its wire types).
   */
  events: SessionEventMsg[];
  rolloutItems: RolloutItem[];
  /** Each step's wall time in ms (it includes whatever else ran in between). */
  steps: Array<{ name: string; ms: number }>;
}

/**
 * One whole turn of a throw-away session: no hooks, skills, project docs or approvals, and its
 * rollout items only kept in memory; `danger-full-access` so `true` runs unsandboxed; the model is
 * `baseUrl` (or `fetchImpl`).
 */
async function dryRunTurn(baseUrl: string, fetchImpl: typeof fetch | undefined, report: PrewarmReport): Promise<void> {
  const { problems } = report;
  const cwd = tmpdir();
  const items: RolloutItem[] = [];
  const session = createSession({
    cwd,
    model: "warm",
    provider: { name: "prewarm", base_url: baseUrl, wire_api: "responses", request_max_retries: 0, stream_max_retries: 0 },
    approvalPolicy: "never",
    sandboxPolicy: { type: "danger-full-access" },
    projectDocMaxBytes: 0,
    workspaceRoots: [cwd],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    hooks: null,
    skillsCache: null,
    runner: createLocalRunner({ sandbox: null }),
    recorder: rolloutRecorder({ record: (item) => items.push(...(Array.isArray(item) ? item : [item])) }),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  try {
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve) => {
      session.subscribe(({ msg }) => {
        report.events.push(msg);
        if (msg.type === "error") problems.push(`warm-up turn: ${msg.message}`);
        if (msg.type === "task_complete" || msg.type === "turn_aborted") resolve();
      });
      // Never keep a process alive or waiting for a warm-up that cannot finish.
      timer = setTimeout(() => {
        problems.push(`warm-up turn: no end after ${TURN_TIMEOUT_MS} ms`);
        resolve();
      }, TURN_TIMEOUT_MS);
      timer.unref();
    });
    session.submit({ type: "user_input", items: [{ type: "text", text: "warm", text_elements: [] }] });
    await done;
    clearTimeout(timer);
    if (!session.history().some((item) => item.type === "function_call_output")) problems.push("the warm-up turn ran no command");
  } finally {
    await session.shutdown();
  }
  report.rolloutItems.push(...items);
}

/** A throw-away model endpoint on 127.0.0.1 for the warm-up turn, closed right after it. */
async function dryRunTurnOverLoopback(report: PrewarmReport): Promise<void> {
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(answerFor(requests++));
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    await dryRunTurn(`http://127.0.0.1:${port}/v1`, undefined, report);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/**
 * Pays a session's one-time costs ahead of the first turn, on the real code paths: the time zone,
 * then one whole turn of a throw-away session (no hooks, skills, project docs or approvals;
 * nothing is written) whose model is a loopback server of its own (see {@link PrewarmOptions}) and
 * which runs `true` with exec_command. That pays for the HTTP client's first request, the SSE
 * decoding, zod's first pass over the stream events, the ops and the tool call, the turn loop's
 * own code, and the first child process. (Not the tree-sitter
 * shell parser: @codex-ts/execpolicy loads it on demand, for the scripts its lexer defers.) Steps
 * yield to pending I/O in between, so requests that arrive meanwhile are served. A server calls it
 * once, off the request path (the app-server: when a thread starts), and may warm its own mapping
 * with the turn's `events` and `rolloutItems`; calling it is never required, and it never throws.
 * It costs ~100 ms of CPU on a cold process.
 */
export async function prewarmCore(options: PrewarmOptions = {}): Promise<PrewarmReport> {
  const report: PrewarmReport = { problems: [], steps: [], events: [], rolloutItems: [] };
  const { problems, steps } = report;
  const step = async (name: string, run: () => unknown): Promise<void> => {
    const t0 = performance.now();
    try {
      await run();
    } catch (error) {
      problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    steps.push({ name, ms: performance.now() - t0 });
    await yieldToIo();
  };
  await step("time zone", localTimezone);
  let turned = false;
  if (options.loopbackHttp !== false) {
    await step("turn over loopback HTTP", async () => {
      await dryRunTurnOverLoopback(report);
      turned = true;
    });
  }
  if (!turned) {
    // No loopback server (or not wanted): the model's answers come from in-memory responses.
    report.events.length = 0;
    report.rolloutItems.length = 0;
    let requests = 0;
    const inMemory: typeof fetch = async () =>
      new Response(answerFor(requests++), { headers: { "content-type": "text/event-stream" } });
    await step("turn in memory", () => dryRunTurn("http://127.0.0.1/v1", inMemory, report));
  }
  return report;
}
