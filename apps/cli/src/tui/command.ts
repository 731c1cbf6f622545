/**
 * `codex-ts [PROMPT]`, `codex-ts resume [--last|ID] [PROMPT]`, `codex-ts fork [--last|ID]`: the
 * arguments, the terminal check, then the TUI itself (its own lazily loaded chunk: Ink, React and
 * the in-process app-server load only here).
 */
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import type { GlobalOverrides } from "../cli.js";
import { type CliIO, EXIT_FAILURE, EXIT_OK, usageError } from "../io.js";
import { type OptionValues, parseCommandArgs, stringList, stringValue } from "../parse.js";
import { type CommandSpec, renderHelp } from "../spec.js";
import type { ThreadSettings } from "./controller.js";
import { type EarlyKeysTerminal, echoEarlyKeys } from "./early-keys.js";
import { type FirstFrameTerminal, paintFirstFrame } from "./first-frame.js";
import type { TuiLaunch, TuiTarget } from "./run.js";

export async function runTuiCommand(
  spec: CommandSpec,
  argv: readonly string[],
  io: CliIO,
  globals?: GlobalOverrides,
): Promise<number> {
  const command = spec.name === "codex-ts" ? "codex-ts" : `codex-ts ${spec.name}`;
  const parsed = parseCommandArgs(spec, argv);
  if (!parsed.ok) return usageError(io, parsed.error, command);
  const values = parsed.values;
  if (values.help) {
    io.stdout.write(renderHelp(spec));
    return EXIT_OK;
  }
  const words = [...parsed.positionals, ...parsed.afterDoubleDash];
  let target: TuiTarget = { kind: "new" };
  if (spec.name === "resume" || spec.name === "fork") {
    const last = values.last === true;
    const threadId = last ? undefined : words.shift();
    target = { kind: spec.name, ...(threadId ? { threadId } : {}), last, all: values.all === true };
  }
  const built = threadSettings(values, globals);
  if (!built.ok) return usageError(io, built.error, command);
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    io.stderr.write(
      "Error: the interactive terminal needs a TTY on stdin and stdout (use `codex-ts exec` for scripts and pipes).\n",
    );
    return EXIT_FAILURE;
  }
  // Draw the composer now; the rest of the TUI loads behind it.
  const firstFrameRows = paintFirstFrame(io as FirstFrameTerminal);
  // Keys typed meanwhile are drawn in that frame's composer, then handed to Ink.
  const earlyKeys = echoEarlyKeys(io as EarlyKeysTerminal, firstFrameRows);
  const cd = stringValue(values, "cd");
  const launch: TuiLaunch = {
    target,
    cwd: cd ? path.resolve(io.cwd, cd) : io.cwd,
    settings: built.settings,
    explicitPolicy: built.explicit,
    firstFrameRows,
    earlyKeys,
    ...(words.length > 0 ? { prompt: words.join(" ") } : {}),
  };
  const { runTui } = await withoutFetch(() => import("./run.js"));
  const code = await runTui(launch, io);
  // In the real terminal the session is over: leave even if a library left a handle open
  // (a watcher, a keep-alive socket), once what was written reached the terminal.
  if (io.stdout === process.stdout) process.stdout.write("", () => process.exit(code));
  return code;
}

/**
 * Loads `load` with the global `fetch` hidden. Ink's layout engine (yoga, emscripten) reads
 * `typeof fetch` while it instantiates its inlined wasm; in Node that first read loads the whole
 * built-in HTTP client (undici), a third of the TUI's start-up. Hidden, yoga decodes the inlined
 * bytes directly. `fetch` is put back as it was (still unloaded) once the chunk is evaluated.
 */
export async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(globalThis, "fetch");
  if (!original?.configurable) return load();
  Object.defineProperty(globalThis, "fetch", { value: undefined, configurable: true, writable: true });
  try {
    return await load();
  } finally {
    Object.defineProperty(globalThis, "fetch", original);
  }
}

type Built = { ok: true; settings: ThreadSettings; explicit: boolean } | { ok: false; error: string };

/** Flags and `-c`/`--enable`/`--disable` overrides as thread settings. */
export function threadSettings(values: OptionValues, globals?: GlobalOverrides): Built {
  const config: Record<string, unknown> = {};
  const overrides = [...(globals?.config ?? []), ...stringList(values, "config")];
  for (const override of overrides) {
    const at = override.indexOf("=");
    if (at <= 0) return { ok: false, error: `invalid --config value '${override}': expected key=value` };
    config[override.slice(0, at).trim()] = tomlValue(override.slice(at + 1));
  }
  for (const feature of [...(globals?.enable ?? []), ...stringList(values, "enable")])
    config[`features.${feature}`] = true;
  for (const feature of [...(globals?.disable ?? []), ...stringList(values, "disable")])
    config[`features.${feature}`] = false;
  const settings: ThreadSettings = { config };
  const model = stringValue(values, "model");
  if (model) settings.model = model;
  const sandbox = stringValue(values, "sandbox");
  if (sandbox) settings.sandbox = sandbox as NonNullable<ThreadSettings["sandbox"]>;
  const approval = stringValue(values, "ask-for-approval");
  if (approval) settings.approvalPolicy = approval as NonNullable<ThreadSettings["approvalPolicy"]>;
  if (values["dangerously-bypass-approvals-and-sandbox"]) {
    settings.sandbox = "danger-full-access";
    settings.approvalPolicy = "never";
  }
  return { ok: true, settings, explicit: Boolean(settings.sandbox || settings.approvalPolicy) };
}

/** A `-c` value: TOML when it parses as one, else the raw string (as Codex reads overrides). */
function tomlValue(raw: string): unknown {
  try {
    return parseToml(`v = ${raw}`).v;
  } catch {
    return raw.trim();
  }
}
