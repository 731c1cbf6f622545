import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Codex, type ThreadEvent } from "@openai/codex-sdk";
import { fail, type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

// The SDK spawns our built binary exactly as it spawns `codex` (turbo builds before tests).
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "codex-ts.js");
const PNG_1x1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

let server: FakeResponsesServer;
let home: string;
let work: string;

beforeAll(() => {
  if (!existsSync(path.resolve(path.dirname(BIN), "..", "dist", "main.js"))) {
    throw new Error("apps/cli is not built: run `pnpm build` (turbo builds before `pnpm test`)");
  }
});
beforeEach(async () => {
  server = await startFakeResponsesServer();
  home = realpathSync(mkdtempSync(path.join(tmpdir(), "sdk-home-")));
  work = realpathSync(mkdtempSync(path.join(tmpdir(), "sdk-work-")));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function codex(): Codex {
  return new Codex({
    codexPathOverride: BIN,
    baseUrl: server.url,
    apiKey: "sdk-key",
    env: { PATH: process.env.PATH ?? "", HOME: home, CODEX_HOME: home, SHELL: "/bin/bash" },
  });
}

const threadOptions = () => ({ workingDirectory: work, skipGitRepoCheck: true });

describe("@openai/codex-sdk drives codex-ts exec", () => {
  it("run() returns the final response and the items", async () => {
    server.enqueue(turn([sse.reasoning("pondering"), sse.message("Hi from codex-ts", { phase: "final_answer" })]));
    const result = await codex().startThread(threadOptions()).run("hello");
    expect(result.finalResponse).toBe("Hi from codex-ts");
    expect(result.items.map((i) => i.type)).toEqual(["reasoning", "agent_message"]);
    expect(result.usage).toMatchObject({ input_tokens: 10, output_tokens: 5 });
    expect(server.responsesRequests()[0]!.headers.authorization).toBe("Bearer sdk-key");
  });

  it("runStreamed() yields the events in order, including a command", async () => {
    server.enqueue(turn(sse.functionCall("exec_command", { cmd: "echo streamed" }, { callId: "c1" })), turn(sse.message("done")));
    const thread = codex().startThread({ ...threadOptions(), sandboxMode: "danger-full-access" });
    const { events } = await thread.runStreamed("run a command");
    const seen: ThreadEvent[] = [];
    for await (const event of events) seen.push(event);
    expect(seen.map((e) => (e.type.startsWith("item.") ? `${e.type}:${(e as { item: { type: string } }).item.type}` : e.type))).toEqual([
      "thread.started",
      "turn.started",
      "item.started:command_execution",
      "item.completed:command_execution",
      "item.completed:agent_message",
      "turn.completed",
    ]);
    const done = seen[3] as { item: { aggregated_output: string; exit_code: number } };
    expect(done.item.aggregated_output).toContain("streamed");
    expect(done.item.exit_code).toBe(0);
    expect(thread.id).toBe((seen[0] as { thread_id: string }).thread_id);
  });

  it("resumeThread(id) continues the same thread with its history", async () => {
    server.enqueue(turn(sse.message("noted: blue")), turn(sse.message("it was blue")));
    const sdk = codex();
    const first = sdk.startThread(threadOptions());
    await first.run("my colour is blue");
    const id = first.id!;
    const again = sdk.resumeThread(id, threadOptions());
    const result = await again.run("what was my colour?");
    expect(result.finalResponse).toBe("it was blue");
    expect(again.id).toBe(id);
    const input = JSON.stringify(server.responsesRequests()[1]!.body.input);
    expect(input).toContain("my colour is blue");
    expect(input).toContain("noted: blue");
    expect(input).toContain("what was my colour?");
  });

  it("attaches local images before the text", async () => {
    const image = path.join(work, "pixel.png");
    writeFileSync(image, PNG_1x1);
    server.enqueue(turn(sse.message("a pixel")));
    await codex()
      .startThread(threadOptions())
      .run([
        { type: "text", text: "what is this?" },
        { type: "local_image", path: image },
      ]);
    const input = server.responsesRequests()[0]!.body.input as Array<{ role?: string; content?: Array<{ type: string; image_url?: string; text?: string }> }>;
    const user = input.filter((m) => m.role === "user").at(-1)!;
    const kinds = user.content!.map((c) => c.type);
    expect(kinds).toContain("input_image");
    expect(kinds.indexOf("input_image")).toBeLessThan(kinds.lastIndexOf("input_text"));
    expect(user.content!.find((c) => c.type === "input_image")!.image_url).toMatch(/^data:image\/png;base64,/);
  });

  it("outputSchema sends the schema as text.format and the answer parses as JSON", async () => {
    const schema = {
      type: "object",
      properties: { colour: { type: "string" }, count: { type: "integer" } },
      required: ["colour", "count"],
      additionalProperties: false,
    };
    server.enqueue(turn(sse.message('{"colour":"blue","count":3}')));
    const result = await codex().startThread(threadOptions()).run("answer in JSON", { outputSchema: schema });
    expect(JSON.parse(result.finalResponse)).toEqual({ colour: "blue", count: 3 });
    const format = server.responsesRequests()[0]!.body.text?.format;
    expect(format).toMatchObject({ type: "json_schema", strict: true, schema });
  });

  it("an AbortSignal ends the run and the process", async () => {
    server.enqueue(turn(sse.message("never finished"), { hold: true }));
    const controller = new AbortController();
    const run = codex().startThread(threadOptions()).run("wait forever", { signal: controller.signal });
    await server.waitForResponsesRequests(1);
    controller.abort();
    await expect(run).rejects.toThrow(/abort|interrupt/i);
  });

  it("a failed turn rejects with the error message", async () => {
    server.enqueue(fail.status(400, { body: { error: { message: "bad request from fake" } } }));
    const sdk = new Codex({
      codexPathOverride: BIN,
      baseUrl: server.url,
      apiKey: "k",
      env: { PATH: process.env.PATH ?? "", HOME: home, CODEX_HOME: home },
    });
    await expect(sdk.startThread(threadOptions()).run("hi")).rejects.toThrow(/bad request from fake/);
  });
});

describe("the built binary as a process", () => {
  it("exits quietly when its stdout reader goes away (exec --json | head -1)", async () => {
    const { spawn } = await import("node:child_process");
    server.enqueue(turn(sse.functionCall("exec_command", { cmd: "sleep 0.3; echo done" }, { callId: "c1" })), turn(sse.message("finished")));
    const child = spawn(
      process.execPath,
      [BIN, "exec", "--json", "--skip-git-repo-check", "-s", "danger-full-access", "--config", `openai_base_url="${server.url}"`, "go"],
      { cwd: work, env: { PATH: process.env.PATH ?? "", HOME: home, CODEX_HOME: home, OPENAI_API_KEY: "k" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    // Read the first line, then close our end of the pipe, as `head -1` does.
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(stderr).not.toContain("Unhandled 'error' event");
    expect(stderr).not.toContain("EPIPE");
    expect(code).not.toBeNull();
  });
});
