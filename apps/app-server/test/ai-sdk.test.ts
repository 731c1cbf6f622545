/**
 * A real npm client: the Vercel AI SDK (`ai@6`) with `ai-sdk-provider-codex-cli@1.4.1` in
 * app-server mode. The provider spawns `<codexPath> app-server --listen stdio://`, checks the
 * version in `initialize`'s userAgent (minCodexVersion), starts or resumes threads and maps
 * commandExecution items to provider-executed `exec` tool calls. Here it drives the built server
 * against the fake model: a tool turn on a persistent thread, then — from a second provider, so a
 * second server process — a turn on the same thread (thread/resume from the rollout).
 */
import { generateText } from "ai";
import { createCodexAppServer } from "ai-sdk-provider-codex-cli";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { BIN, useAppServerFixture, writeFakeProviderConfig } from "./harness.js";

const fx = useAppServerFixture();

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function provider() {
  return createCodexAppServer({
    defaultSettings: {
      codexPath: BIN,
      cwd: fx.workDir,
      env: { CODEX_HOME: fx.home, HOME: fx.home, OPENAI_API_KEY: "test-key" },
      minCodexVersion: "0.153.0",
      autoApprove: true,
      logger: quiet,
    },
  } as never);
}

describe("the AI SDK's Codex app-server provider", () => {
  it("drives a tool turn on a persistent thread, then a resumed turn from another server", { timeout: 120_000 }, async () => {
    writeFakeProviderConfig(fx.home, fx.fake.url);
    fx.fake.enqueue(
      turn([sse.functionCall("exec_command", { cmd: "echo hi-from-tool" }, { callId: "call-1" })]),
      turn([sse.message("The tool said hi.", { phase: "final_answer" })]),
      turn([sse.message("Second answer.", { phase: "final_answer" })]),
    );

    const first = provider();
    let threadId: string;
    try {
      const result = await generateText({
        model: first("gpt-test"),
        prompt: "run the tool",
        providerOptions: { "codex-app-server": { threadMode: "persistent" } },
      });
      expect(result.text).toBe("The tool said hi.");
      const calls = result.content.filter((part) => part.type === "tool-call");
      const results = result.content.filter((part) => part.type === "tool-result");
      expect(calls.map((part) => part.toolName)).toEqual(["exec"]);
      expect(JSON.stringify(calls[0])).toContain("echo hi-from-tool");
      expect(JSON.stringify(results)).toContain("hi-from-tool");
      threadId = (result.providerMetadata?.["codex-app-server"] as { threadId?: string } | undefined)?.threadId as string;
      expect(threadId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await first.close();
    }

    const second = provider();
    try {
      const again = await generateText({
        model: second("gpt-test"),
        prompt: "and now?",
        providerOptions: { "codex-app-server": { threadId } },
      });
      expect(again.text).toBe("Second answer.");
      expect((again.providerMetadata?.["codex-app-server"] as { threadId?: string } | undefined)?.threadId).toBe(threadId);
    } finally {
      await second.close();
    }

    // The third model request continues the thread: the first turn's prompt, tool output and answer.
    const input = JSON.stringify(fx.fake.responsesRequests()[2]?.body.input);
    expect(input).toContain("run the tool");
    expect(input).toContain("hi-from-tool");
    expect(input).toContain("The tool said hi.");
    expect(input).toContain("and now?");
    expect(fx.fake.unscripted).toEqual([]);
  });
});
