// One js_repl kernel process per session, started on first use through the session's command
// runner (so it runs under the same sandbox as other commands) and kept until reset, a timeout,
// an interrupt, a change of sandbox, or the end of the session.
import type { RunningProcess, SpawnResult } from "../types.js";
import { KERNEL_MARK, KERNEL_SOURCE } from "./kernel.js";

export interface ExecOutcome {
  output: string;
  error: string | null;
}

type KernelMessage =
  | { type: "ready" }
  | { type: "run_tool"; id: number; name: string; args: unknown }
  | { type: "exec_result"; id: number; output: string; error: string | null };

/** Runs a nested tool for the kernel: `ok` false sends `output` back as the error message. */
export type NestedToolRunner = (name: string, args: unknown) => Promise<{ ok: boolean; output: unknown }>;

interface RunningExec {
  resolve: (outcome: ExecOutcome) => void;
  runTool: NestedToolRunner;
  /** Output the kernel printed outside protocol lines (e.g. fs.writeSync(1, …)). */
  stray: string[];
}

export class JsReplKernel {
  readonly #process: RunningProcess;
  /** What the kernel was started with (a different sandbox or cwd needs a new kernel). */
  readonly key: string;
  #buffer = "";
  #nextId = 0;
  readonly #execs = new Map<number, RunningExec>();
  #exited = false;
  #stderr = "";

  private constructor(process: RunningProcess, key: string) {
    this.#process = process;
    this.key = key;
    process.onOutput((chunk, stream) => {
      if (stream === "stderr") {
        this.#stderr = (this.#stderr + chunk).slice(-4000);
        return;
      }
      this.#buffer += chunk;
      let newline = this.#buffer.indexOf("\n");
      while (newline >= 0) {
        this.#line(this.#buffer.slice(0, newline));
        this.#buffer = this.#buffer.slice(newline + 1);
        newline = this.#buffer.indexOf("\n");
      }
    });
    void process.exited.then(({ exitCode, signal }) => {
      this.#exited = true;
      const why = signal ? `signal ${signal}` : `exit code ${exitCode}`;
      const detail = this.#stderr.trim() ? `: ${this.#stderr.trim().split("\n").slice(-5).join("\n")}` : "";
      for (const exec of this.#execs.values())
        exec.resolve({ output: exec.stray.join(""), error: `js_repl kernel exited (${why})${detail}` });
      this.#execs.clear();
    });
  }

  /** Spawn a kernel with `spawn` (the session runner, with its sandbox and permissions). */
  static async start(
    spawn: (argv: string[]) => Promise<SpawnResult>,
    key: string,
  ): Promise<{ ok: true; kernel: JsReplKernel } | { ok: false; error: string }> {
    const spawned = await spawn([globalThis.process.execPath, "-e", KERNEL_SOURCE]);
    if (!spawned.ok) return { ok: false, error: spawned.error };
    return { ok: true, kernel: new JsReplKernel(spawned.process, key) };
  }

  get alive(): boolean {
    return !this.#exited;
  }

  #line(line: string): void {
    const at = line.indexOf(KERNEL_MARK);
    if (at < 0) {
      for (const exec of this.#execs.values()) exec.stray.push(`${line}\n`);
      return;
    }
    let message: KernelMessage;
    try {
      message = JSON.parse(line.slice(at + KERNEL_MARK.length)) as KernelMessage;
    } catch {
      return;
    }
    if (message.type === "exec_result") {
      const exec = this.#execs.get(message.id);
      this.#execs.delete(message.id);
      exec?.resolve({ output: exec.stray.join("") + message.output, error: message.error });
    } else if (message.type === "run_tool") {
      const exec = [...this.#execs.values()][0];
      const reply = (ok: boolean, output: unknown) =>
        this.#send({ type: "tool_result", id: message.id, ok, output });
      if (!exec) {
        reply(false, "no js_repl call is running");
        return;
      }
      exec
        .runTool(message.name, message.args)
        .then((result) => reply(result.ok, result.output))
        .catch((error: unknown) => reply(false, error instanceof Error ? error.message : String(error)));
    }
  }

  #send(message: Record<string, unknown>): void {
    if (!this.#exited) this.#process.write(`${JSON.stringify(message)}\n`);
  }

  /** Evaluate `code`; nested `codex.tool` calls go to `runTool`. Resolves with its output or error. */
  exec(code: string, runTool: NestedToolRunner): Promise<ExecOutcome> {
    if (this.#exited) return Promise.resolve({ output: "", error: "js_repl kernel is not running" });
    const id = ++this.#nextId;
    return new Promise((resolve) => {
      this.#execs.set(id, { resolve, runTool, stray: [] });
      this.#send({ type: "exec", id, code });
    });
  }

  kill(): void {
    if (!this.#exited) this.#process.kill("SIGKILL");
  }
}
