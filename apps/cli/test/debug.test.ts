import { writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

interface Item {
  type: string;
  role?: string;
  content?: { type: string; text?: string }[];
}

function texts(items: Item[]): string[] {
  return items.flatMap((i) => (i.content ?? []).map((c) => c.text ?? ""));
}

describe("codex-ts debug", () => {
  it("debug models prints the bundled catalog as one line of Codex's models.json shape; model_catalog_json replaces it unless --bundled", async () => {
    const bundled = await runBin(["debug", "models"], { env: fx.env() });
    expect(bundled.code).toBe(0);
    expect(bundled.stdout.trim().split("\n")).toHaveLength(1);
    const catalog = JSON.parse(bundled.stdout) as { models: Record<string, unknown>[] };
    expect(catalog.models.map((m) => m.slug)).toContain("gpt-6.1-sol");
    for (const key of ["slug", "display_name", "default_reasoning_level", "supported_reasoning_levels", "context_window", "visibility", "priority"]) {
      expect(catalog.models[0]).toHaveProperty(key);
    }

    const file = path.join(fx.work, "models.json");
    writeFileSync(file, JSON.stringify({ models: [{ slug: "my-model", display_name: "Mine" }] }));
    const custom = await runBin(["debug", "models", "-c", `model_catalog_json="${file}"`], { env: fx.env() });
    expect(custom).toMatchObject({ code: 0, stdout: '{"models":[{"slug":"my-model","display_name":"Mine"}]}\n' });
    // Group-level -c (before the subcommand) counts too; --bundled ignores the file.
    const before = await runBin(["debug", "-c", `model_catalog_json="${file}"`, "models"], { env: fx.env() });
    expect(before.stdout).toContain("my-model");
    const forced = await runBin(["debug", "models", "--bundled", "-c", `model_catalog_json="${file}"`], { env: fx.env() });
    expect(forced.stdout).toBe(bundled.stdout);

    const missing = await runBin(["debug", "models", "-c", 'model_catalog_json="/nonexistent/models.json"'], { env: fx.env() });
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(missing.stderr).toBe("Error: failed to parse model_catalog_json path `/nonexistent/models.json` as JSON: no such file\n");
  });

  it("usage errors exit 2 with one line; a bare group prints its help on stderr", async () => {
    const extra = await runBin(["debug", "models", "extra"], { env: fx.env() });
    expect(extra.code).toBe(2);
    expect(extra.stderr.split("\n")[0]).toBe("error: unexpected argument 'extra'");
    const unknown = await runBin(["debug", "nope"], { env: fx.env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split("\n")[0]).toBe("error: unrecognized subcommand 'nope'");
    const flag = await runBin(["debug", "prompt-input", "--bogus"], { env: fx.env() });
    expect(flag.code).toBe(2);
    const bare = await runBin(["debug"], { env: fx.env() });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: codex-ts debug [OPTIONS] <COMMAND>");
    const nested = await runBin(["debug", "app-server", "send-message-v2", "--help"], { env: fx.env() });
    expect(nested.code).toBe(0);
    expect(nested.stdout).toContain("Usage: codex-ts debug app-server send-message-v2 [OPTIONS] <USER_MESSAGE>");
  });

  it("debug prompt-input prints exactly the input exec sends the model for a new session, without calling any model", async () => {
    writeFileSync(path.join(fx.work, "AGENTS.md"), "Always answer in haiku.\n");
    const r = await runBin(["debug", "prompt-input", ...fx.providerArgs(), "hello there"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[\n {2}\{/); // pretty JSON, as Codex prints it
    const items = JSON.parse(r.stdout) as Item[];
    expect(items.at(-1)).toMatchObject({ type: "message", role: "user", content: [{ type: "input_text", text: "hello there" }] });
    const all = texts(items).join("\n");
    expect(all).toContain("<permissions instructions>");
    expect(all).toContain("<environment_context>");
    expect(all).toContain("Always answer in haiku.");
    expect(fx.server.requests).toHaveLength(0);

    // The same config and prompt through exec: the model gets the same list (ids and dates aside).
    fx.server.enqueue(turn(sse.message("ok")));
    const exec = await runBin(["exec", "--json", "--ephemeral", ...fx.providerArgs(), "hello there"], { cwd: fx.work, env: fx.env() });
    expect(exec.code).toBe(0);
    const sent = (fx.server.responsesRequests()[0]!.body as { input: Item[] }).input;
    expect(texts(sent)).toEqual(texts(items));

    const bare = await runBin(["debug", "prompt-input", ...fx.providerArgs()], { cwd: fx.work, env: fx.env() });
    expect(bare.code).toBe(0);
    expect(texts(JSON.parse(bare.stdout) as Item[])).toEqual(texts(items).slice(0, -1));
  });

  it("debug app-server send-message-v2 prints the JSON-RPC exchange of one turn on an in-process server", async () => {
    fx.server.enqueue(turn(sse.message("pong")));
    const r = await runBin(["debug", "app-server", "send-message-v2", ...fx.providerArgs(), "ping"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const methods = lines.filter((l) => /^[<>] {3}"method": /.test(l)).map((l) => `${l[0]} ${l.replace(/^[<>] {3}"method": "|",?$/g, "")}`);
    const sent = methods.filter((m) => m.startsWith(">"));
    expect(sent).toEqual(["> initialize", "> initialized", "> thread/start", "> turn/start"]);
    expect(methods).toContain("> turn/start");
    expect(methods).toContain("< turn/started");
    expect(methods.at(-1)).toBe("< turn/completed");
    expect(methods).not.toContain("< item/agentMessage/delta");
    expect(r.stdout).toContain('"text": "pong"');
    expect(lines).toContain("< turn/completed notification: completed");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("[codex-ts app-server exited: exit status: 0]");
    expect(userText(fx.server.responsesRequests()[0]!.body)).toBe("ping");
  });
});

function userText(body: unknown): string | undefined {
  return texts((body as { input: Item[] }).input.filter((i) => i.role === "user")).at(-1);
}
