/**
 * Runs a program in a tmux window of a fixed size and reads back the screen as tmux's terminal
 * emulator drew it (what the user sees, scrollback included): for tests of what a TUI leaves on a
 * real screen (corruption, reflow). Test helper (never imported by the TUI).
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";

export function tmuxAvailable(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export class TmuxSession {
  readonly #socket = `codex-ts-test-${randomUUID()}`;
  readonly #env: NodeJS.ProcessEnv;

  constructor(
    command: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv; cols: number; rows: number },
  ) {
    this.#env = options.env;
    const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
    this.#tmux(
      "-f",
      "/dev/null",
      "new-session",
      "-d",
      "-s",
      "t",
      "-x",
      String(options.cols),
      "-y",
      String(options.rows),
      "-c",
      options.cwd,
      quoted,
    );
    this.#tmux("set-option", "-g", "history-limit", "50000");
    this.#tmux("set-option", "-g", "remain-on-exit", "on");
  }

  #tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.#socket, ...args], { env: this.#env, encoding: "utf8" });
  }

  /** The visible screen, one string per row (trailing blanks trimmed). */
  screen(): string[] {
    return this.#tmux("capture-pane", "-p", "-t", "t")
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => l.trimEnd());
  }

  /** Scrollback and screen together, oldest first. */
  history(): string[] {
    return this.#tmux("capture-pane", "-p", "-S", "-", "-t", "t")
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => l.trimEnd());
  }

  /** Types keys as literal text (`send-keys -l`). */
  type(text: string): void {
    this.#tmux("send-keys", "-t", "t", "-l", text);
  }

  /** Sends tmux key names (`Enter`, `C-c`, `Escape`…). */
  keys(...names: string[]): void {
    this.#tmux("send-keys", "-t", "t", ...names);
  }

  resize(cols: number, rows: number): void {
    this.#tmux("resize-window", "-t", "t", "-x", String(cols), "-y", String(rows));
  }

  /** Whether the program has exited (the pane stays, `remain-on-exit`). */
  dead(): boolean {
    return this.#tmux("display-message", "-p", "-t", "t", "#{pane_dead}").trim() === "1";
  }

  async waitFor(check: (screen: string[]) => boolean, what: string, timeoutMs = 20_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (check(screen)) return screen;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; screen:\n${screen.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  kill(): void {
    try {
      this.#tmux("kill-server");
    } catch {
      // already gone
    }
  }
}
