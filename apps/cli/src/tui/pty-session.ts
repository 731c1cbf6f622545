/**
 * Drives a program in a real pseudo-terminal (node-pty) for end-to-end tests: write keys, wait
 * for text on the screen stream, wait for the exit. Test helper (never imported by the TUI).
 */
import { createRequire } from "node:module";

type Pty = typeof import("node-pty");
type IPty = import("node-pty").IPty;

const ANSI =
  /\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78cDEHM]/g;

/** The text of terminal output with escape sequences removed. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

export interface PtyOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  cols?: number;
  rows?: number;
}

export class PtySession {
  #raw = "";
  readonly #pty: IPty;
  readonly exited: Promise<number>;

  private constructor(pty: IPty) {
    this.#pty = pty;
    pty.onData((data) => {
      this.#raw += data;
    });
    this.exited = new Promise((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
  }

  static spawn(file: string, args: string[], options: PtyOptions): PtySession {
    const pty = createRequire(import.meta.url)("node-pty") as Pty;
    return new PtySession(
      pty.spawn(file, args, {
        name: "xterm-256color",
        cols: options.cols ?? 100,
        rows: options.rows ?? 30,
        cwd: options.cwd,
        env: options.env as Record<string, string>,
      }),
    );
  }

  /** Everything written so far, raw. */
  get raw(): string {
    return this.#raw;
  }

  /** Everything written so far, without escape sequences. */
  get text(): string {
    return stripAnsi(this.#raw);
  }

  write(data: string): void {
    this.#pty.write(data);
  }

  resize(cols: number, rows: number): void {
    this.#pty.resize(cols, rows);
  }

  /**
   * Waits until `pattern` appears in the text written after character `from` of the raw output:
   * checked on every write from the program (no polling), failing after `timeoutMs` with the
   * screen's text.
   */
  waitFor(pattern: string | RegExp, timeoutMs = 15_000, from = 0): Promise<void> {
    const found = () => {
      const text = stripAnsi(this.#raw.slice(from));
      return typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
    };
    if (found()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = this.#pty.onData(() => {
        // onData listeners run in order: this one sees #raw with the new data appended.
        if (!found()) return;
        clearTimeout(timer);
        listener.dispose();
        resolve();
      });
      const timer = setTimeout(() => {
        listener.dispose();
        const text = stripAnsi(this.#raw.slice(from));
        reject(new Error(`timed out waiting for ${String(pattern)}; screen text:\n${text.slice(-3000)}`));
      }, timeoutMs);
    });
  }

  /** Writes keys (one write, like a fast typist). Wait for what they should show with `step`. */
  async type(text: string): Promise<void> {
    this.#pty.write(text);
  }

  /** Writes keys, then waits for `pattern` in what the program writes after them. */
  async step(keys: string, pattern: string | RegExp, timeoutMs = 15_000): Promise<void> {
    const mark = this.#raw.length;
    this.#pty.write(keys);
    await this.waitFor(pattern, timeoutMs, mark);
  }

  /**
   * Quits as a user does: Ctrl-C until the idle composer arms the quit (a Ctrl-C while a turn still
   * ends interrupts it instead, and two blind Ctrl-Cs then left the TUI open), then Ctrl-C once
   * more; the exit is bounded too. Resolves with the exit code.
   */
  async quit(timeoutMs = 15_000): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.step("\x03", "ctrl + c again to quit", 5_000);
        break;
      } catch (error) {
        if (attempt === 2) throw error;
      }
    }
    this.#pty.write("\x03");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the TUI did not exit; screen text:\n${this.text.slice(-2000)}`)),
        timeoutMs,
      );
    });
    return Promise.race([this.exited, timeout]).finally(() => clearTimeout(timer));
  }

  kill(): void {
    try {
      this.#pty.kill();
    } catch {
      // already gone
    }
  }
}
