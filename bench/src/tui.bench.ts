/**
 * The interactive terminal, through the BUILT CLI in a real pseudo-terminal (node-pty), against
 * the fake Responses server: launch → composer ready, and keystroke → screen update with a long
 * resumed transcript (about 5,000 lines) in the scrollback. With CODEX_REFERENCE_BIN set (a real
 * Codex), its TUI runs in the same pseudo-terminal setup in the same run, alternating.
 * Goals: ready faster than real Codex (ratio ≤ 1), typing latency ≤ 16 ms.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import {
  type FakeResponsesServer,
  startFakeResponsesServer,
  writeFakeProviderConfig,
} from "@codex-ts/test-support";
import { type Benchmark, median, note, record } from "./harness.js";
import { CLI_BIN, missingBuild, REPO_ROOT, tempDir, writeLongThread } from "./support.js";

/** The part of node-pty used here (bench does not depend on node-pty; the CLI does). */
interface IPty {
  onData(listener: (data: string) => void): void;
  onExit(listener: () => void): void;
  write(data: string): void;
  kill(signal?: string): void;
}
interface Pty {
  spawn(
    file: string,
    args: string[],
    options: { name: string; cols: number; rows: number; cwd: string; env: Record<string, string> },
  ): IPty;
}

/** node-pty is the CLI's (optional) dependency: load it from there. */
function loadPty(): Pty | undefined {
  try {
    return createRequire(path.join(REPO_ROOT, "apps", "cli", "package.json"))("node-pty") as Pty;
  } catch {
    return undefined;
  }
}

const READY = "Ask Codex to do anything";
const COLS = 100;
const ROWS = 30;
/** Rollout lines of the resumed thread (about 5,000 lines of transcript on screen). */
const LONG_THREAD_ITEMS = 14_000;
const KEYSTROKES = 20;
/** A key that no part of either TUI's first screens contains. */
const FIRST_KEY = "Z";
/** Typed (and erased) before the timed keys, to see that the TUI reads its input again. */
const SENTINEL_KEY = "X";
const ANSI =
  /\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78cDEHM]/g;

/**
 * A terminal in a pty: collects output and answers the queries a terminal emulator would (cursor
 * position, device attributes, colours, keyboard protocol), so that neither TUI waits on a
 * time-out for an answer that never comes.
 */
class Terminal {
  out = "";
  readonly pty: IPty;
  /** Called after each output (see `whenOutput`). */
  #onOutput: (() => void) | null = null;
  constructor(pty: Pty, file: string, args: string[], cwd: string, env: Record<string, string>) {
    this.pty = pty.spawn(file, args, { name: "xterm-256color", cols: COLS, rows: ROWS, cwd, env });
    this.pty.onData((data) => {
      this.out += data;
      this.#onOutput?.();
      if (data.includes("\x1b[6n")) this.pty.write("\x1b[1;1R");
      if (data.includes("\x1b[c")) this.pty.write("\x1b[?62;22c");
      if (data.includes("\x1b]10;?")) this.pty.write("\x1b]10;rgb:ffff/ffff/ffff\x1b\\");
      if (data.includes("\x1b]11;?")) this.pty.write("\x1b]11;rgb:0000/0000/0000\x1b\\");
      if (data.includes("\x1b[?u")) this.pty.write("\x1b[?0u");
    });
  }
  text(from = 0): string {
    return this.out.slice(from).replace(ANSI, "");
  }
  async waitFor(
    test: (from: number) => boolean,
    from: number,
    timeoutMs: number,
    what: string,
  ): Promise<number> {
    const t0 = performance.now();
    for (;;) {
      if (test(from)) return performance.now() - t0;
      if (performance.now() - t0 > timeoutMs)
        throw new Error(
          `timed out (${timeoutMs} ms) waiting for ${what}; screen: ${this.text().slice(-600)}`,
        );
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  /**
   * Resolves once `test` holds, checked on each output of the program (no polling: a spinning
   * wait takes a core from the TUI being timed, which on a busy machine is most of the latency).
   */
  whenOutput(test: (from: number) => boolean, from: number, timeoutMs: number, what: string): Promise<void> {
    if (test(from)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#onOutput = null;
        reject(
          new Error(`timed out (${timeoutMs} ms) waiting for ${what}; screen: ${this.text().slice(-600)}`),
        );
      }, timeoutMs);
      this.#onOutput = () => {
        if (!test(from)) return;
        clearTimeout(timer);
        this.#onOutput = null;
        resolve();
      };
    });
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.pty.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      try {
        this.pty.kill("SIGKILL");
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}

interface Variant {
  name: string;
  file: string;
  args: string[];
}

let server: FakeResponsesServer | undefined;

/** Removes a sample's folder (a killed TUI's app-server may still be finishing a write). */
function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch {
    // A process of the killed TUI still writing there: leave the temporary folder behind.
  }
}
let referenceLabel = "reference";

function setUpHome(fake: FakeResponsesServer): { root: string; home: string; work: string } {
  const root = tempDir("tui");
  const home = path.join(root, "home");
  const work = path.join(root, "work");
  mkdirSync(home);
  mkdirSync(work);
  writeFakeProviderConfig(home, fake.url, { model: "gpt-5.1-codex" });
  appendFileSync(path.join(home, "config.toml"), `\n[projects."${work}"]\ntrust_level = "trusted"\n`);
  return { root, home, work };
}

function env(root: string, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: root,
    CODEX_HOME: home,
    TERM: "xterm-256color",
    OPENAI_API_KEY: "sk-bench",
  };
}

/** Launch → the composer's placeholder is on screen. */
async function launchToReady(pty: Pty, variant: Variant, fake: FakeResponsesServer): Promise<number> {
  const { root, home, work } = setUpHome(fake);
  const t0 = performance.now();
  const term = new Terminal(pty, variant.file, variant.args, work, env(root, home));
  try {
    await term.waitFor(() => term.text().includes(READY), 0, 30_000, `${variant.name}'s composer`);
    return performance.now() - t0;
  } finally {
    await term.close();
    removeDir(root);
  }
}

/**
 * Launch → the first key typed once the composer shows is drawn in it: the time until typing
 * shows, whatever is painted before (codex-ts paints its first frame before its UI code loads and
 * draws plain keys typed meanwhile in it, src/tui/early-keys.ts).
 */
async function launchToFirstKey(pty: Pty, variant: Variant, fake: FakeResponsesServer): Promise<number> {
  const { root, home, work } = setUpHome(fake);
  const t0 = performance.now();
  const term = new Terminal(pty, variant.file, variant.args, work, env(root, home));
  try {
    await term.waitFor(() => term.text().includes(READY), 0, 30_000, `${variant.name}'s composer`);
    const from = term.out.length;
    term.pty.write(FIRST_KEY);
    await term.waitFor(
      (at) => term.text(at).includes(FIRST_KEY),
      from,
      30_000,
      `${variant.name}'s echo of the first key`,
    );
    return performance.now() - t0;
  } finally {
    await term.close();
    removeDir(root);
  }
}

/** Resumes a long thread, then types KEYSTROKES characters one at a time: ms from write to echo. */
async function typingLatency(
  pty: Pty,
  variant: Variant,
  fake: FakeResponsesServer,
): Promise<{ latencies: number[]; lines: number; outputKiB: number }> {
  const { root, home, work } = setUpHome(fake);
  const id = writeLongThread(home, LONG_THREAD_ITEMS, work);
  const term = new Terminal(pty, variant.file, [...variant.args, "resume", id], work, env(root, home));
  try {
    // The composer may paint before the transcript: wait for the resumed turns, then for quiet.
    await term.whenOutput(
      () => term.text().includes(READY) && term.text().includes("summarise the failures"),
      0,
      60_000,
      `${variant.name}'s resumed transcript`,
    );
    // A TUI still replaying may be silent for seconds on a busy machine: a key typed and erased
    // (each seen on screen) shows it has caught up with its input before the timed keys.
    let from = term.out.length;
    term.pty.write(SENTINEL_KEY);
    await term.whenOutput((at) => term.text(at).includes(SENTINEL_KEY), from, 60_000, "the sentinel key");
    from = term.out.length;
    term.pty.write("\x7f");
    await term.whenOutput((at) => term.text(at).includes(READY), from, 60_000, "the sentinel's erasure");
    let last = term.out.length;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (term.out.length === last) break;
      last = term.out.length;
    }
    const lines = term.text().split("\n").length;
    const outputKiB = Buffer.byteLength(term.out) / 1024;
    const latencies: number[] = [];
    const keys = "qwertyuiopzxcvbnmkjh";
    for (let i = 0; i < KEYSTROKES; i++) {
      const key = keys[i % keys.length] as string;
      const from = term.out.length;
      const t0 = performance.now();
      term.pty.write(key);
      await term.whenOutput((at) => term.text(at).includes(key), from, 10_000, `the echo of '${key}'`);
      latencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    return { latencies, lines, outputKiB };
  } finally {
    await term.close();
    removeDir(root);
  }
}

const benchmark: Benchmark = {
  name: "TUI in a pseudo-terminal (built CLI)",
  repeats: 3,
  precondition: () =>
    missingBuild("cli") ??
    (loadPty() ? undefined : "node-pty is not installed (apps/cli's optional dependency)"),
  async run({ repetition }) {
    const pty = loadPty() as Pty;
    server ??= await startFakeResponsesServer();
    const fake = server;
    const reference = process.env.CODEX_REFERENCE_BIN;
    if (reference !== undefined && !existsSync(reference))
      throw new Error(`CODEX_REFERENCE_BIN=${reference} does not exist`);
    const variants: Variant[] = [{ name: "codex-ts", file: process.execPath, args: [CLI_BIN] }];
    if (reference) variants.push({ name: "reference", file: reference, args: [] });
    if (repetition === 0) {
      note(
        `both TUIs run in a ${COLS}×${ROWS} node-pty terminal that answers cursor-position, device-attribute, colour and keyboard-protocol queries; CODEX_HOME is fresh per sample with the work folder trusted and the fake server as provider`,
      );
      note(`ready = spawn → the composer placeholder (“${READY}”) is on screen`);
      note(
        `first key = spawn → a key (“${FIRST_KEY}”) typed as soon as the placeholder shows is drawn: codex-ts paints its first frame before its UI code (Ink, React) has loaded and draws plain keys typed meanwhile in that frame's composer, handing them to Ink when it starts; editing keys and Enter take effect once Ink runs (for codex-ts that is later than this figure)`,
      );
      note(
        `typing = a thread of ${LONG_THREAD_ITEMS} rollout lines is resumed (its transcript replayed into the terminal's scrollback), then ${KEYSTROKES} keys are typed one at a time; each sample is the ms from writing a key to the first output that contains it (the median of a run's keys is recorded)`,
      );
      note(
        "real Codex 0.169 writes only a few KiB when it resumes this thread (it does not replay the whole transcript into the terminal), so its typing figure is not taken over the same scrollback",
      );
      if (reference) {
        try {
          referenceLabel = `reference (${execFileSync(reference, ["--version"], { encoding: "utf8" }).trim()})`;
        } catch {
          referenceLabel = "reference";
        }
      } else {
        note("CODEX_REFERENCE_BIN is not set: no comparison with real Codex in this run");
      }
      for (const v of variants) await launchToReady(pty, v, fake); // warm-up (disk cache, compile cache)
    }
    const ready = new Map<string, number>();
    const firstKey = new Map<string, number>();
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(repetition + k) % variants.length] as Variant;
      ready.set(v.name, await launchToReady(pty, v, fake));
      firstKey.set(v.name, await launchToFirstKey(pty, v, fake));
    }
    for (const v of variants) {
      const label = v.name === "reference" ? referenceLabel : v.name;
      record(`launch → composer ready, ${label}`, ready.get(v.name) as number, { unit: "ms", digits: 0 });
      record(`launch → first typed key shown, ${label}`, firstKey.get(v.name) as number, {
        unit: "ms",
        digits: 0,
      });
      const typed = await typingLatency(pty, v, fake);
      // Lines counted by line feeds: meaningful for codex-ts (scrollback), not for a TUI that
      // positions its cursor instead; the bytes written are comparable.
      if (v.name === "codex-ts")
        record(`transcript lines replayed on resume, ${label}`, typed.lines, { unit: "lines", digits: 0 });
      record(`output written by the resume, ${label}`, typed.outputKiB, { unit: "KiB", digits: 0 });
      record(`keystroke → screen after resume, ${label}`, median(typed.latencies), {
        unit: "ms",
        digits: 1,
        ...(v.name === "codex-ts" ? { goal: { op: "<=", value: 16 } } : {}),
      });
    }
    if (reference) {
      record(
        "first-key ratio codex-ts / reference",
        (firstKey.get("codex-ts") as number) / (firstKey.get("reference") as number),
        { unit: "×", digits: 2 },
      );
      record(
        "ready ratio codex-ts / reference",
        (ready.get("codex-ts") as number) / (ready.get("reference") as number),
        {
          unit: "×",
          digits: 2,
          goal: { op: "<=", value: 1 },
        },
      );
    }
  },
};

export default benchmark;
