/** The BUILT app-server as a subprocess: a JSON-RPC client over its stdio, its RSS, its exit. */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { APP_SERVER_BIN, binEnv } from "./harness.js";
import { Rpc } from "./rpc.js";

export class AppServer extends Rpc {
  readonly child: ChildProcessWithoutNullStreams;
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(home: string, cwd: string, options: { env?: NodeJS.ProcessEnv; args?: string[]; nodeArgs?: string[] } = {}) {
    super();
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), APP_SERVER_BIN, ...(options.args ?? [])], {
      cwd,
      env: binEnv(home, options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stdin.on("error", () => {});
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (c: string) => {
      this.stderr = (this.stderr + c).slice(-20_000);
      this.wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code) => {
        resolve(code);
        this.wake();
      }),
    );
    createInterface({ input: this.child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) =>
      this.receive(line),
    );
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  protected override diagnostics(): string {
    return `stderr: ${this.stderr.slice(-2000)}`;
  }

  sendRaw(text: string): void {
    this.child.stdin.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Resident set size of the server process, in MiB. */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  }

  /** CPU time (user + system) the server process has used, in ms. */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the stat line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  async close(timeoutMs = 10_000): Promise<number | null> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
