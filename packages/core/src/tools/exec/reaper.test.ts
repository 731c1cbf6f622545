/**
 * Parent death: a Node process runs commands through the local runner (pipes and a pty), is
 * SIGKILLed, and no process of any command's tree may survive it. The parent is a real subprocess
 * (tsx running the runner's source), the processes are found in /proc by unique sleep durations.
 */
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
/** tsx from the workspace root (vite/tsup bring it): runs the runner's TypeScript source in a plain subprocess. */
const TSX = path.resolve(here, "../../../node_modules/.bin/tsx");

/** Live (non-zombie) pids whose command line contains `mark`. */
function processesWith(mark: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat[stat.lastIndexOf(")") + 2] !== "Z" && cmdline.includes(mark)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** A sleep duration nothing else on the machine uses. */
const mark = () => `${300 + randomInt(300)}.${randomInt(100_000, 999_999)}`;

/** The parent: starts each command through createLocalRunner, prints "ready", then idles. */
function parentScript(commands: { argv: string[]; tty?: boolean }[]): string {
  const runner = JSON.stringify(path.join(here, "runner.ts"));
  return `
import { createLocalRunner } from ${runner};
const runner = createLocalRunner();
for (const c of ${JSON.stringify(commands)}) {
  const r = await runner.spawn({ ...c, cwd: "/tmp", sandbox: { type: "danger-full-access" } });
  if (!r.ok) throw new Error(r.error);
}
console.log("ready");
setInterval(() => {}, 1000);
`;
}

describe("commands of a SIGKILLed parent", () => {
  it("leave no process of their trees behind (pipe and pty, SIGHUP ignored, background jobs)", { timeout: 60_000 }, async () => {
    const marks = [mark(), mark(), mark(), mark(), mark()];
    const [a, b, c, d, e] = marks as [string, string, string, string, string];
    const commands = [
      // A pipe command and a background grandchild that ignores SIGHUP.
      { argv: ["/bin/sh", "-c", `sleep ${a} & (trap '' HUP; exec sleep ${b}) & wait`] },
      // A pty command whose tree ignores the terminal's hangup.
      { argv: ["/bin/sh", "-c", `trap '' HUP; sleep ${c} & sleep ${d}`], tty: true },
      // An interactive shell on a pty: job control puts the background job in its own group.
      { argv: ["/bin/bash", "--norc", "-i", "-c", `set -m; (trap '' HUP; exec sleep ${e}) & wait`], tty: true },
    ];
    // tsx runs the script in a child node: both are SIGKILLed through their process group.
    const parent = spawn(TSX, ["--input-type=module", "-e", parentScript(commands)], {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    let err = "";
    parent.stdout.on("data", (c) => (out += c));
    parent.stderr.on("data", (c) => (err += c));
    const exited = new Promise((r) => parent.once("exit", r));
    expect(await until(() => out.includes("ready"), 30_000), err).toBe(true);
    expect(await until(() => marks.every((m) => processesWith(m).length > 0), 10_000)).toBe(true);

    process.kill(-(parent.pid as number), "SIGKILL");
    await exited;
    const gone = await until(() => marks.every((m) => processesWith(m).length === 0), 5_000);
    const survivors = marks.filter((m) => processesWith(m).length > 0);
    for (const m of survivors) for (const pid of processesWith(m)) process.kill(pid, "SIGKILL");
    expect(survivors).toEqual([]);
    expect(gone).toBe(true);
  });
});
