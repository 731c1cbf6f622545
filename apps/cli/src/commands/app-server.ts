import path from "node:path";
import { format } from "node:util";
import { parseAppServerArgs, runAppServer } from "@codex-ts/app-server";
import { generateJsonSchemaBundle, generateTsBindings } from "@codex-ts/protocol";
import type { GlobalOverrides } from "../cli.js";
import { resolveCodexHome } from "../home.js";
import { envWithThreadStore } from "./threads.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";
import { parseCommandArgs, stringValue } from "../parse.js";
import { APP_SERVER, findSubcommand, renderHelp } from "../spec.js";

/** `codex-ts app-server [generate-json-schema|generate-ts --out DIR]`. */
export async function runAppServerCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  const sub = argv[0] !== undefined ? findSubcommand(APP_SERVER, argv[0]) : undefined;
  if (sub) {
    const parsed = parseCommandArgs(sub, argv.slice(1));
    if (!parsed.ok) return usageError(io, parsed.error, `codex-ts app-server ${sub.name}`);
    if (parsed.values.help) {
      io.stdout.write(renderHelp(sub));
      return EXIT_OK;
    }
    const out = stringValue(parsed.values, "out");
    if (!out) return usageError(io, "the following required argument was not provided: --out <DIR>", `codex-ts app-server ${sub.name}`);
    const dir = path.resolve(io.cwd, out);
    const result = sub.name === "generate-ts" ? await generateTsBindings(dir) : await generateJsonSchemaBundle(dir);
    if (!result.ok) return failure(io, result.error);
    return EXIT_OK;
  }
  // The transport options (`--listen`, `--stdio`, `--ws-*`) are the app-server package's own.
  const { transport, rest } = splitTransportArgs(argv);
  const parsed = parseCommandArgs(APP_SERVER, rest);
  if (!parsed.ok) return usageError(io, parsed.error, "codex-ts app-server");
  if (parsed.values.help) {
    io.stdout.write(renderHelp(APP_SERVER));
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) return usageError(io, `unrecognized subcommand '${parsed.positionals[0]}'`, "codex-ts app-server");
  const serving = parseAppServerArgs(transport, io.cwd);
  if (!serving.ok) return serving.usage ? usageError(io, serving.error, "codex-ts app-server") : failure(io, serving.error);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, onSignal);
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  // stdout carries protocol lines only: anything a dependency logs goes to stderr while we serve.
  const saved = { log: console.log, info: console.info, debug: console.debug };
  const toStderr = (...args: unknown[]) => {
    io.stderr.write(`${format(...args)}\n`);
  };
  console.log = console.info = console.debug = toStderr;
  try {
    return await runAppServer({
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      // `-c thread_store.url=…` reaches the server as CODEX_THREAD_STORE_URL (see commands/threads.ts).
      env: envWithThreadStore(io.env, globals.config),
      codexHome: home.path,
      listen: serving.value.listen,
      wsAuth: serving.value.wsAuth,
      signal: stop.signal,
    });
  } finally {
    Object.assign(console, saved);
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.off(signal, onSignal);
  }
}

const TRANSPORT_VALUED = /^--(listen|ws-auth|ws-token-file|ws-token-sha256|ws-shared-secret-file|ws-issuer|ws-audience|ws-max-clock-skew-seconds)(=|$)/;

/** Separates `--listen URL`, `--stdio` and `--ws-*` (with their values) from the other options. */
function splitTransportArgs(argv: readonly string[]): { transport: string[]; rest: string[] } {
  const transport: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    const valued = TRANSPORT_VALUED.exec(arg);
    if (arg === "--stdio") transport.push(arg);
    else if (valued && valued[2] === "=") transport.push(arg);
    else if (valued) {
      transport.push(arg);
      if (i + 1 < argv.length) transport.push(argv[++i] as string);
    } else rest.push(arg);
  }
  return { transport, rest };
}
