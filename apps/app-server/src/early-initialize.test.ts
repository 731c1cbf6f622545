import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { answerInitializeEarly } from "./early-initialize.js";
import { initializeResult } from "./handshake.js";

async function readAll(stream: PassThrough): Promise<string> {
  let text = "";
  stream.setEncoding("utf8");
  for await (const chunk of stream) text += chunk;
  return text;
}

const initialize = `${JSON.stringify({ id: 7, method: "initialize", params: { clientInfo: { name: "ide", version: "1" } } })}\n`;

describe("answerInitializeEarly", () => {
  it("answers initialize at once, replays what it read and drops the server's own answer", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    stdin.write(`${initialize}{"method":"initialized"}\n`);
    const early = await answerInitializeEarly(stdin, stdout, "/home/u/.codex");
    expect(early.answered).toBe(true);
    expect(stdout.read()?.toString()).toBe(
      `${JSON.stringify({ id: 7, result: initializeResult({ name: "ide", version: "1" }, "/home/u/.codex") })}\n`,
    );
    stdin.end('{"id":8,"method":"thread/list"}\n');
    expect(await readAll(early.input as PassThrough)).toBe(
      `${initialize}{"method":"initialized"}\n{"id":8,"method":"thread/list"}\n`,
    );
    // The server's answer (written in two pieces) is dropped; what follows passes.
    early.output.write('{"id":7,"result":');
    early.output.write('{"userAgent":"x"}}\n{"method":"remoteControl/status/changed"}\n');
    early.output.write('{"id":8,"result":{}}\n');
    await new Promise((resolve) => early.output.end(resolve));
    expect(stdout.read()?.toString()).toBe(
      '{"method":"remoteControl/status/changed"}\n{"id":8,"result":{}}\n',
    );
  });

  it("leaves anything else to the server, untouched", async () => {
    for (const first of [
      '{"id":1,"method":"thread/list"}\n',
      "not json\n",
      `${initialize.replace('"1"', "1")}`,
    ]) {
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      stdin.end(first);
      const early = await answerInitializeEarly(stdin, stdout, "/h");
      expect(early.answered).toBe(false);
      expect(early.output).toBe(stdout);
      expect(stdout.read()).toBeNull();
      expect(await readAll(early.input as PassThrough)).toBe(first);
    }
  });

  it("does not wait for a client that says nothing", async () => {
    const stdin = new PassThrough();
    const t0 = performance.now();
    const early = await answerInitializeEarly(stdin, new PassThrough(), "/h", 50);
    expect(early.answered).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2_000);
    stdin.end(initialize);
    expect(await readAll(early.input as PassThrough)).toBe(initialize);
  });
});
