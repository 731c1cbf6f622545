import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough, Writable } from "node:stream";
import type { GlobalOverrides } from "../cli.js";
import { loadExecRun } from "../exec/load.js";
import { buildExecRequest } from "../exec/request.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";
import { stringList } from "../parse.js";
import type { Parsed } from "./common.js";

const COMMAND = "codex-ts debug prompt-input";
/** Stands in for "no prompt": the turn needs one; its message is dropped from what is printed. */
const PLACEHOLDER = "codex-ts debug prompt-input: no prompt";

/**
 * `codex-ts debug prompt-input [PROMPT] [-i FILE]…`: the `input` list the model would be sent for
 * a new session with this config (permissions, developer instructions, skills, AGENTS.md,
 * environment context, then the prompt), printed as pretty JSON as Codex does. It is exactly what
 * exec sends: exec runs one ephemeral turn whose model is a loopback server that records the
 * request and ends the turn without an answer. Hooks do not run and MCP servers do not start.
 */
export async function debugPromptInput(parsed: Parsed, io: CliIO, globals: GlobalOverrides): Promise<number> {
  if (parsed.positionals.length > 1) return usageError(io, `unexpected argument '${parsed.positionals[1]}'`, COMMAND);
  const prompt = parsed.positionals[0];
  const captured: unknown[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      if (req.method === "POST" && req.url?.endsWith("/responses")) {
        try {
          captured.push((JSON.parse(body) as { input?: unknown }).input);
        } catch {
          // not JSON: nothing captured, the command reports it
        }
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(sseEvent("response.created", { response: { id: "resp_debug" } }) + sseEvent("response.completed", { response: { id: "resp_debug", output: [], usage: USAGE } }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.url?.endsWith("/models") ? '{"models":[]}' : "{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const values = {
      ...parsed.values,
      config: [
        ...stringList(parsed.values, "config"),
        `model_providers.codex_ts_debug={name="codex-ts debug",base_url="http://127.0.0.1:${port}/v1",wire_api="responses",request_max_retries=0,stream_max_retries=0}`,
        "model_provider=codex_ts_debug",
      ],
      "skip-git-repo-check": true,
      ephemeral: true,
      json: true,
    };
    // The prompt is the argument only: stdin is not read.
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const built = await buildExecRequest(values, [prompt ?? PLACEHOLDER], { ...io, stdin }, globals);
    if (!built.ok) return built.usage ? usageError(io, built.error, COMMAND) : failure(io, built.error);
    built.request.inspectOnly = true;
    let diagnostics = "";
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const stderr = new Writable({
      write: (chunk, _e, done) => {
        diagnostics += String(chunk);
        done();
      },
    });
    const { runExec } = await loadExecRun();
    await runExec(built.request, { ...io, stdin, stdout: sink, stderr });
    const input = captured[0];
    if (!Array.isArray(input)) return failure(io, `could not build the prompt input${diagnostics ? `: ${diagnostics.trim().split("\n").at(-1)}` : ""}`);
    const items = prompt === undefined ? input.filter((item) => !JSON.stringify(item).includes(PLACEHOLDER)) : input;
    io.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
    return EXIT_OK;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const USAGE = { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 };

function sseEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
