/**
 * `app-server` command-line options: where to listen (`--listen`, `--stdio`) and how WebSocket
 * clients authenticate (`--ws-auth …`), with Codex 0.169's messages. Parsing only; the
 * listeners live in websocket.ts.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";

export type ListenTarget =
  | { kind: "stdio" }
  | { kind: "off" }
  /** `path: null`: the default control socket under CODEX_HOME. */
  | { kind: "unix"; path: string | null }
  | { kind: "ws"; host: string; port: number };

export type WsAuthConfig =
  | { mode: "none" }
  /** The client presents a token whose SHA-256 is `sha256` (hex). */
  | { mode: "capability-token"; sha256: string }
  /** HS256-signed JWT bearer tokens. */
  | { mode: "signed-bearer-token"; secret: Buffer; issuer: string | null; audience: string | null; maxClockSkewSeconds: number };

export interface AppServerArgs {
  listen: ListenTarget[];
  wsAuth: WsAuthConfig;
  /** `-c key=value` / `--config key=value` (as Codex's global flag): the session-flags config layer. */
  configOverrides: { key: string; value: string }[];
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string; usage: boolean };

const LISTEN_EXPECTED = "expected `stdio://`, `unix://`, `unix://PATH`, `ws://IP:PORT`, or `off`";

/** One `--listen` URL. */
export function parseListenUrl(url: string, cwd = process.cwd()): ParseResult<ListenTarget> {
  const invalid = (why: string): ParseResult<ListenTarget> => ({
    ok: false,
    usage: true,
    error: `invalid value '${url}' for '--listen <URL>': ${why}`,
  });
  if (url === "stdio://" || url === "stdio") return { ok: true, value: { kind: "stdio" } };
  if (url === "off") return { ok: true, value: { kind: "off" } };
  if (url.startsWith("unix://")) {
    const rest = url.slice("unix://".length);
    return { ok: true, value: { kind: "unix", path: rest === "" ? null : path.resolve(cwd, rest) } };
  }
  if (url.startsWith("ws://")) {
    const match = /^ws:\/\/(\[[0-9a-fA-F:.]+\]|[0-9.]+):(\d{1,5})\/?$/.exec(url);
    const host = match?.[1]?.replace(/^\[|\]$/g, "");
    const port = Number(match?.[2]);
    if (!host || isIP(host) === 0 || !Number.isInteger(port) || port > 65_535) {
      return invalid(`invalid websocket --listen URL \`${url}\`; expected \`ws://IP:PORT\``);
    }
    return { ok: true, value: { kind: "ws", host, port } };
  }
  return invalid(`unsupported --listen URL \`${url}\`; ${LISTEN_EXPECTED}`);
}

/** Whether a bind address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::ffff:127.0.0.1";
}

function readSecret(file: string, cwd: string): ParseResult<Buffer> {
  const absolute = path.resolve(cwd, file);
  try {
    return { ok: true, value: readFileSync(absolute) };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "No such file or directory" : String(error);
    return { ok: false, usage: false, error: `failed to read websocket auth secret ${absolute}: ${reason}` };
  }
}

/**
 * `app-server` options, as Codex 0.169 reads them, plus one extension: `--listen` may be given
 * several times to serve stdio, unix and WebSocket clients at once. Unknown options are errors.
 * Secrets are read here, so that a server that cannot authenticate never starts.
 */
export function parseAppServerArgs(argv: readonly string[], cwd = process.cwd()): ParseResult<AppServerArgs> {
  const usage = (error: string): ParseResult<AppServerArgs> => ({ ok: false, usage: true, error });
  const fail = (error: string): ParseResult<AppServerArgs> => ({ ok: false, usage: false, error });
  const listen: ListenTarget[] = [];
  let stdioFlag = false;
  const configOverrides: AppServerArgs["configOverrides"] = [];
  const ws: Record<string, string> = {};
  const valued = new Set(["listen", "ws-auth", "ws-token-file", "ws-token-sha256", "ws-shared-secret-file", "ws-issuer", "ws-audience", "ws-max-clock-skew-seconds"]);
  // `codex-ts-app-server app-server …` is accepted as `codex app-server …`, so a client that runs
  // `<codexPath> app-server --listen stdio://` (the AI SDK's Codex provider) can point at this bin.
  const start = argv[0] === "app-server" ? 1 : 0;
  for (let i = start; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--stdio") {
      stdioFlag = true;
      continue;
    }
    if (arg === "-c" || arg === "--config" || arg.startsWith("--config=")) {
      const override = arg.startsWith("--config=") ? arg.slice("--config=".length) : argv[++i];
      if (override === undefined) return usage(`a value is required for '--config <key=value>' but none was supplied`);
      const at = override.indexOf("=");
      if (at <= 0) return usage(`invalid value '${override}' for '--config <key=value>': expected key=value`);
      configOverrides.push({ key: override.slice(0, at).trim(), value: override.slice(at + 1) });
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") ? arg.slice(2, eq < 0 ? undefined : eq) : "";
    if (!valued.has(name)) return usage(`unexpected argument '${arg}' found`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) return usage(`a value is required for '--${name}' but none was supplied`);
    if (name === "listen") {
      const target = parseListenUrl(value, cwd);
      if (!target.ok) return usage(target.error);
      listen.push(target.value);
    } else {
      ws[name] = value;
    }
  }
  if (stdioFlag && listen.length > 0) return usage("the argument '--stdio' cannot be used with '--listen <URL>'");
  if (listen.length === 0) listen.push({ kind: "stdio" });
  const auth = parseWsAuth(ws, cwd);
  if (!auth.ok) return auth;
  for (const target of listen) {
    if (target.kind === "ws" && auth.value.mode === "none" && !isLoopback(target.host)) {
      return fail(
        `refusing to start non-loopback websocket listener ${target.host}:${target.port} without auth; configure \`--ws-auth capability-token\` or \`--ws-auth signed-bearer-token\``,
      );
    }
  }
  return { ok: true, value: { listen, wsAuth: auth.value, configOverrides } };
}

function parseWsAuth(ws: Record<string, string>, cwd: string): ParseResult<WsAuthConfig> {
  const fail = (error: string): ParseResult<WsAuthConfig> => ({ ok: false, usage: false, error });
  const mode = ws["ws-auth"];
  const others = Object.keys(ws).filter((k) => k !== "ws-auth");
  if (mode === undefined) {
    if (others.length > 0) return fail("websocket auth flags require `--ws-auth capability-token` or `--ws-auth signed-bearer-token`");
    return { ok: true, value: { mode: "none" } };
  }
  if (mode === "capability-token") {
    const file = ws["ws-token-file"];
    const digest = ws["ws-token-sha256"];
    if (file === undefined && digest === undefined) {
      return fail("`--ws-token-file` or `--ws-token-sha256` is required when `--ws-auth capability-token` is set");
    }
    if (file !== undefined) {
      const secret = readSecret(file, cwd);
      if (!secret.ok) return secret;
      const token = secret.value.toString("utf8").trim();
      if (token === "") return fail(`websocket auth token file ${path.resolve(cwd, file)} is empty`);
      return { ok: true, value: { mode, sha256: createHash("sha256").update(token).digest("hex") } };
    }
    if (!/^[0-9a-fA-F]{64}$/.test(digest as string)) return fail("`--ws-token-sha256` must be 64 hex digits");
    return { ok: true, value: { mode, sha256: (digest as string).toLowerCase() } };
  }
  if (mode === "signed-bearer-token") {
    const file = ws["ws-shared-secret-file"];
    if (file === undefined) return fail("`--ws-shared-secret-file` is required when `--ws-auth signed-bearer-token` is set");
    const secret = readSecret(file, cwd);
    if (!secret.ok) return secret;
    const skew = Number(ws["ws-max-clock-skew-seconds"] ?? "30");
    if (!Number.isInteger(skew) || skew < 0) return fail("`--ws-max-clock-skew-seconds` must be a non-negative integer");
    const trimmed = Buffer.from(secret.value.toString("utf8").trim(), "utf8");
    return {
      ok: true,
      value: { mode, secret: trimmed, issuer: ws["ws-issuer"] ?? null, audience: ws["ws-audience"] ?? null, maxClockSkewSeconds: skew },
    };
  }
  return { ok: false, usage: true, error: `invalid value '${mode}' for '--ws-auth <MODE>' [possible values: capability-token, signed-bearer-token]` };
}
