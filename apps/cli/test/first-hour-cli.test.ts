import { spawn } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { ROOT, type CommandSpec } from "../src/spec.js";
import { BIN, runBin, useBinFixture } from "./bin.js";

// The CLI defects a new user met in the first hour (issue 17), each on the built binary.
const fx = useBinFixture();

function rollouts(home: string): string[] {
  const root = path.join(home, "sessions");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".jsonl"));
}

describe("exec resume with nothing to resume", () => {
  it("--last with no earlier session starts a new session, as real Codex does", async () => {
    fx.server.enqueue(turn(sse.message("fresh start")));
    const r = await runBin(["exec", "--json", ...fx.providerArgs(), "resume", "--last", "hello"], { cwd: fx.work, env: fx.env() });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"type":"thread.started"');
    expect(r.stdout).toContain("fresh start");
    expect(rollouts(fx.home)).toHaveLength(1);
  });

  it("an unknown thread name starts a new session; an unknown UUID is an error", async () => {
    fx.server.enqueue(turn(sse.message("named start")));
    const byName = await runBin(["exec", "--json", ...fx.providerArgs(), "resume", "no-such-name", "hello"], { cwd: fx.work, env: fx.env() });
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain("named start");
    const byId = await runBin(["exec", ...fx.providerArgs(), "resume", "0190f0f0-0000-7000-8000-000000000000", "x"], { cwd: fx.work, env: fx.env() });
    expect(byId.code).toBe(1);
    expect(byId.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("CODEX_HOME", () => {
  it("pointing at a file: one clear line, exit 1, for exec and app-server", async () => {
    const file = path.join(fx.work, "not-a-dir");
    writeFileSync(file, "");
    for (const argv of [["exec", "--skip-git-repo-check", "hi"], ["app-server"]]) {
      const r = await runBin(argv, { cwd: fx.work, env: fx.env({ CODEX_HOME: file }) });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`Error: CODEX_HOME points to "${file}", but that path is not a directory\n`);
    }
  });

  it("set but missing: an error, and nothing is created (real Codex never creates it)", async () => {
    const missing = path.join(fx.work, "no", "home");
    const r = await runBin(["exec", "--skip-git-repo-check", "hi"], { cwd: fx.work, env: fx.env({ CODEX_HOME: missing }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: CODEX_HOME points to "${missing}", but that path does not exist\n`);
    expect(existsSync(path.join(fx.work, "no"))).toBe(false);
  });

  it("unset (or empty): ~/.codex is created and used", async () => {
    fx.server.enqueue(turn(sse.message("ok")));
    const r = await runBin(["exec", "--json", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env({ CODEX_HOME: "", HOME: fx.work }) });
    expect(r.code).toBe(0);
    expect(rollouts(path.join(fx.work, ".codex"))).toHaveLength(1);
  });
});

/** Whether `version`'s major.minor is at least `min`, compared as numbers. */
function atLeast(version: string, min: [number, number]): boolean {
  const [major, minor] = version.split(".").map(Number) as [number, number];
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

/** Sends `messages` to the built app-server and collects the replies to those with an id. */
async function appServerExchange(env: NodeJS.ProcessEnv, cwd: string, messages: object[]): Promise<Array<Record<string, any>>> {
  const child = spawn(process.execPath, [BIN, "app-server"], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  const replies: Array<Record<string, any>> = [];
  let buffer = "";
  const want = messages.filter((m) => "id" in m).length;
  const done = new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      for (let nl = buffer.indexOf("\n"); nl !== -1; nl = buffer.indexOf("\n")) {
        const message = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if ("id" in message) replies.push(message);
        if (replies.length === want) resolve();
      }
    });
  });
  for (const message of messages) child.stdin.write(`${JSON.stringify(message)}\n`);
  await done;
  child.stdin.end();
  await new Promise((resolve) => child.on("close", resolve));
  return replies;
}

describe("the version", () => {
  it("--version, the app-server's userAgent and a thread's cliVersion report one real version >= 0.153", async () => {
    const r = await runBin(["--version"]);
    expect(r.code).toBe(0);
    const version = /^codex-ts (\d+\.\d+\.\d+)\n$/.exec(r.stdout)?.[1];
    expect(version).toBeDefined();
    expect(version).not.toBe("0.0.0");
    expect(atLeast(version!, [0, 153])).toBe(true);

    const replies = await appServerExchange(fx.env({ CODEX_TS_APP_SERVER_PREWARM: "0" }), fx.work, [
      { id: 1, method: "initialize", params: { clientInfo: { name: "probe", version: "1.0" } } },
      { method: "initialized" },
      { id: 2, method: "thread/start", params: { cwd: fx.work } },
    ]);
    expect(replies[0]!.result.userAgent).toContain(`/${version} (`);
    expect(replies[1]!.result.thread.cliVersion).toBe(version);
  });
});

function allCommands(spec: CommandSpec, prefix: string[] = []): string[][] {
  return (spec.subcommands ?? []).flatMap((c) => [[...prefix, c.name], ...allCommands(c, [...prefix, c.name])]);
}

describe("help texts", () => {
  it("every subcommand prints one layout: summary, Usage, aligned sections, no glued words", async () => {
    const commands = [[], ...allCommands(ROOT)];
    // Several at a time: one start per command adds up on a busy machine.
    const results: Array<Awaited<ReturnType<typeof runBin>>> = [];
    for (let i = 0; i < commands.length; i += 6) {
      results.push(...(await Promise.all(commands.slice(i, i + 6).map((argv) => runBin([...argv, "--help"])))));
    }
    for (const [i, argv] of commands.entries()) {
      const r = results[i]!;
      expect(r.code, argv.join(" ")).toBe(0);
      const lines = r.stdout.split("\n");
      expect(lines[1], argv.join(" ")).toBe("");
      expect(lines[2], argv.join(" ")).toMatch(/^Usage: codex-ts/);
      for (const line of lines.filter((l) => /^ {2}-/.test(l))) {
        // A flag is followed by its value placeholder, then two spaces (or the end of the line).
        expect(line, `${argv.join(" ")}: ${line}`).toMatch(/^ {2}(-\w, | {4})--[a-z][\w-]*( <[^>]+>)?( {2,}\S.*)?$/);
      }
      for (const line of lines) expect(line.length, `${argv.join(" ")}: ${line}`).toBeLessThanOrEqual(100);
    }
  }, 90_000);

  it("exec --help shows no resume-only flags; exec resume --help does", async () => {
    const exec = await runBin(["exec", "--help"]);
    expect(exec.stdout).not.toMatch(/^ +--(last|all) /m);
    const resume = await runBin(["exec", "resume", "--help"]);
    expect(resume.stdout).toContain("--last");
    expect(resume.stdout).toContain("--all");
  });

  it("--full-auto reads the same in exec and sandbox, and means workspace-write in both", async () => {
    const line = (text: string) => text.split("\n").find((l) => l.includes("--full-auto"))?.replace(/\s+/g, " ");
    const exec = line((await runBin(["exec", "--help"])).stdout);
    expect(exec).toBeDefined();
    expect(line((await runBin(["sandbox", "linux", "--help"])).stdout)).toBe(exec);
    fx.server.enqueue(turn(sse.message("ok")));
    const r = await runBin(["exec", "--full-auto", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("sandbox: workspace-write");
  });
});
