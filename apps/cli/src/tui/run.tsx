/**
 * The interactive terminal: paints, then loads and connects to an in-process app-server, asks
 * about trust when needed, opens the thread and renders until the user quits. Loaded only when
 * the TUI opens; the app-server (connect.ts) is a further lazily loaded chunk.
 */
import { realpathSync } from "node:fs";
import { render } from "ink";
import type { CliIO } from "../io.js";
import { EXIT_FAILURE, EXIT_OK } from "../io.js";
import type { AppClient } from "./client.js";
import { App } from "./components/App.js";
import type { Connected } from "./connect.js";
import { Controller, errorText, type ThreadSettings } from "./controller.js";
import { DeferredClient } from "./deferred-client.js";
import type { EarlyKeys } from "./early-keys.js";
import { eraseFirstFrame } from "./first-frame.js";
import { reduce } from "./state/reducer.js";
import { createStore } from "./state/store.js";
import { initialState } from "./state/types.js";
import { trustDecided } from "./trust.js";

export type TuiTarget =
  | { kind: "new" }
  | { kind: "resume" | "fork"; threadId?: string; last?: boolean; all?: boolean };

export interface TuiLaunch {
  target: TuiTarget;
  prompt?: string;
  cwd: string;
  settings: ThreadSettings;
  /** The user chose the sandbox or approvals on the command line: no trust prompt. */
  explicitPolicy: boolean;
  /** Rows of the first frame painted before Ink loaded (first-frame.ts), erased by Ink's first write. */
  firstFrameRows?: number;
  /** Keys read under the first frame (early-keys.ts): handed back to stdin before Ink reads it. */
  earlyKeys?: EarlyKeys;
}

const BRACKETED_PASTE_ON = "\x1b[?2004h";
const BRACKETED_PASTE_OFF = "\x1b[?2004l";

export async function runTui(
  launch: TuiLaunch,
  io: CliIO,
  connect: () => Promise<Connected> = async () =>
    (await import("./connect.js")).connectInProcess({ env: io.env }),
): Promise<number> {
  const cwd = canonical(launch.cwd);
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const client = new DeferredClient();
  const controller = new Controller(client, createStore(reduce, initialState), {
    cwd,
    settings: launch.settings,
    exit: () => finish(EXIT_OK),
    env: io.env,
  });
  io.signal?.addEventListener("abort", () => finish(EXIT_OK), { once: true });

  // Paint first: the composer takes input while the app-server loads (it waits for the thread).
  io.stdout.write(BRACKETED_PASTE_ON);
  eraseFirstFrame(io.stdout, launch.firstFrameRows ?? 0);
  launch.earlyKeys?.handOff();
  const instance = render(<App controller={controller} />, {
    stdin: io.stdin as NodeJS.ReadStream,
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: true,
    // A keystroke is drawn at once (Ink's default caps redraws at 30 per second).
    maxFps: 1000,
  });
  let failure: string | undefined;
  void (async () => {
    // Loading the app-server keeps the thread busy for a while: first let Ink start reading the
    // terminal, so keys typed at the first frame are drawn before that.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
    let connected: Connected;
    try {
      connected = await connect();
    } catch (error) {
      failure = `cannot start the app-server: ${errorText(error)}`;
      finish(EXIT_FAILURE);
      return;
    }
    client.attach(connected.client);
    let config: Record<string, unknown> = {};
    try {
      config = (await client.request("config/read", { cwd })).config;
    } catch {
      // The thread start reports a broken config; the TUI still opens.
    }
    // Loaded after the first frame (message-history brings zod).
    const { openPromptHistory } = await import("./history.js");
    const history = await openPromptHistory(connected.codexHome, config.history);
    if (history) controller.adoptHistory(history.entries, history.record);
    const begin = async (extra: ThreadSettings) => {
      try {
        await openTarget(controller, client, launch, cwd, extra);
        if (launch.prompt && controller.state.session) await controller.sendPrompt(launch.prompt);
      } catch (error) {
        controller.cell({ kind: "error", text: errorText(error) });
      }
    };
    if (launch.explicitPolicy || trustDecided(config, cwd)) {
      await begin({});
      return;
    }
    const onChoice = (trusted: boolean) => {
      if (!trusted) {
        finish(EXIT_OK);
        return;
      }
      instance.rerender(<App controller={controller} />);
      // A writable sandbox makes the app-server record the folder as trusted in config.toml.
      void begin({ sandbox: "workspace-write", approvalPolicy: "on-request" });
    };
    instance.rerender(<App controller={controller} trust={{ cwd, onChoice }} />);
  })();

  const code = await finished;
  const threadId = controller.state.session?.threadId;
  instance.unmount();
  io.stdout.write(BRACKETED_PASTE_OFF);
  await client.close();
  if (failure) io.stderr.write(`Error: ${failure}\n`);
  if (threadId) io.stdout.write(`To continue this session, run codex-ts resume ${threadId}\n`);
  return code;
}

async function openTarget(
  controller: Controller,
  client: AppClient,
  launch: TuiLaunch,
  cwd: string,
  extra: ThreadSettings,
): Promise<void> {
  const target = launch.target;
  if (target.kind === "new") {
    await controller.openThread({ kind: "new" }, extra);
    return;
  }
  let threadId = target.threadId;
  if (!threadId && target.last) {
    const listed = await client.request("thread/list", {
      limit: 1,
      sortKey: "updated_at",
      sortDirection: "desc",
      ...(target.all ? {} : { cwd }),
    });
    threadId = listed.data[0]?.id;
    if (!threadId) throw new Error("No saved session found to continue.");
  }
  if (!threadId) {
    await controller.openPicker(target.kind);
    return;
  }
  await controller.openThread({ kind: target.kind, threadId }, extra);
}

function canonical(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}
