/**
 * Defects a newcomer hit in their first hour, each shown on the built binary: a pasted placeholder
 * API key, and Ctrl-C while a command runs.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { readRollout } from "@codex-ts/rollout";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { BIN, runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

function rolloutFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".jsonl")) found.push(path.join(entry.parentPath, entry.name));
  }
  return found;
}

describe("a placeholder API key (OPENAI_API_KEY=sk-…)", () => {
  it("is one clear local error, with no retries and nothing sent", async () => {
    const r = await runBin(
      ["exec", "--skip-git-repo-check", "-c", `openai_base_url="${fx.server.url}"`, "Say hello"],
      { cwd: fx.work, env: fx.env({ OPENAI_API_KEY: "sk-…" }) },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("OPENAI_API_KEY");
    expect(r.stderr).toContain("cannot be sent in an HTTP header");
    expect(r.stderr).not.toMatch(/Reconnecting/i);
    expect(r.stderr.match(/OPENAI_API_KEY/g)).toHaveLength(1);
    expect(fx.server.responsesRequests()).toHaveLength(0);
  });
});

describe("Ctrl-C during exec", () => {
  it("stops a running command and exits promptly, leaving a rollout that loads", async () => {
    fx.server.enqueue(
      turn(sse.functionCall("exec_command", { cmd: "sleep 29.7", yield_time_ms: 30_000 }, { callId: "c1" })),
      turn(sse.message("never reached")),
    );
    const child = spawn(process.execPath, [BIN, "exec", "-s", "danger-full-access", ...fx.providerArgs(), "sleep"], {
      cwd: fx.work,
      env: fx.env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    // Wait until the command runs: the model has been asked once and `sleep` is in the process table.
    const deadline = Date.now() + 15_000;
    while (fx.server.responsesRequests().length < 1 || !(await sleepRunning())) {
      if (Date.now() > deadline) throw new Error(`the command never started; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const sentAt = Date.now();
    child.kill("SIGINT");
    const code = await exited;
    const tookMs = Date.now() - sentAt;
    // Generous for a loaded CI machine; before the fix this took the full 5 s kill grace.
    expect(tookMs).toBeLessThan(2_500);
    expect(code).not.toBe(0);
    expect(await sleepRunning()).toBe(false);
    const files = rolloutFiles(path.join(fx.home, "sessions"));
    expect(files).toHaveLength(1);
    const rollout = await readRollout(files[0]!);
    expect(rollout.ok).toBe(true);
    if (rollout.ok) expect(rollout.value.skipped).toEqual([]);
  }, 30_000);
});

async function sleepRunning(): Promise<boolean> {
  const { execFileSync } = await import("node:child_process");
  try {
    return execFileSync("pgrep", ["-f", "^sleep 29.7$"], { encoding: "utf8" }).trim() !== "";
  } catch {
    return false;
  }
}
