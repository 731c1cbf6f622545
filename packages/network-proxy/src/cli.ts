/**
 * `codex-ts network-proxy [--allow DOMAIN]… [--deny DOMAIN]… [--allow-local] [--http-port N] [--socks-port N]`
 * Runs the proxy in the foreground: one JSON line with both addresses on stdout when ready, one
 * JSON line per blocked attempt on stderr, exit 0 when stopped (abort signal, or SIGINT/SIGTERM
 * when no signal is given).
 */
import { parseArgs } from "node:util";
import { type LookupFn, startNetworkProxy } from "./proxy.js";

export interface NetworkProxyCliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** Stops the proxy when aborted. Without it, SIGINT/SIGTERM stop it. */
  signal?: AbortSignal;
  /** Name resolution override (tests); default: the system resolver. */
  lookup?: LookupFn;
}

export const NETWORK_PROXY_USAGE = `Usage: codex-ts network-proxy [--allow DOMAIN]... [--deny DOMAIN]... [--allow-local] [--http-port N] [--socks-port N]

Runs the network proxy in the foreground on 127.0.0.1 (HTTP proxy with CONNECT, and SOCKS5).
Prints {"http":"127.0.0.1:P","socks":"127.0.0.1:Q"} when ready; logs each blocked attempt as a
JSON line on stderr; exits on SIGINT/SIGTERM.

  --allow DOMAIN    allow a host (example.com, *.example.com = subdomains, **.example.com = both)
  --deny DOMAIN     deny a host (deny wins over allow)
  --allow-local     permit loopback/private/link-local destinations (refused otherwise)
  --http-port N     HTTP proxy port (default: ephemeral)
  --socks-port N    SOCKS5 proxy port (default: ephemeral)
`;

function parsePort(raw: string | undefined, name: string): number | string | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return /^\d+$/.test(raw) && n <= 65535 ? n : `--${name} must be a port number 0-65535 (got ${raw})`;
}

/** The whole `network-proxy` subcommand; resolves to the exit code (0 stopped, 1 cannot start, 2 usage). */
export async function runNetworkProxyCommand(args: string[], io: NetworkProxyCliIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  function parse() {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        allow: { type: "string", multiple: true },
        deny: { type: "string", multiple: true },
        "allow-local": { type: "boolean" },
        "http-port": { type: "string" },
        "socks-port": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  }
  try {
    values = parse().values;
  } catch (err) {
    io.stderr.write(`codex-ts network-proxy: ${(err as Error).message}\n${NETWORK_PROXY_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(NETWORK_PROXY_USAGE);
    return 0;
  }
  const httpPort = parsePort(values["http-port"], "http-port");
  const socksPort = parsePort(values["socks-port"], "socks-port");
  for (const p of [httpPort, socksPort]) {
    if (typeof p === "string") {
      io.stderr.write(`codex-ts network-proxy: ${p}\n`);
      return 2;
    }
  }
  if (io.signal?.aborted) return 0;

  const started = await startNetworkProxy({
    policy: {
      allowedDomains: values.allow ?? [],
      deniedDomains: values.deny ?? [],
      allowLocal: values["allow-local"] ?? false,
    },
    ...(typeof httpPort === "number" ? { httpPort } : {}),
    ...(typeof socksPort === "number" ? { socksPort } : {}),
    ...(io.lookup ? { lookup: io.lookup } : {}),
  });
  if (!started.ok) {
    io.stderr.write(`codex-ts network-proxy: ${started.error.message}\n`);
    return started.error.code === "invalid-spec" ? 2 : 1;
  }
  const { proxy } = started;
  proxy.onBlocked((attempt) => {
    io.stderr.write(
      `${JSON.stringify({ host: attempt.host, port: attempt.port, protocol: attempt.protocol, reason: attempt.reason })}\n`,
    );
  });

  await new Promise<void>((resolve) => {
    const stop = () => {
      io.signal?.removeEventListener("abort", stop);
      if (!io.signal) for (const s of ["SIGINT", "SIGTERM"] as const) process.off(s, stop);
      resolve();
    };
    if (io.signal) io.signal.addEventListener("abort", stop, { once: true });
    else for (const s of ["SIGINT", "SIGTERM"] as const) process.on(s, stop);
    const a = proxy.httpAddress;
    const b = proxy.socksAddress;
    io.stdout.write(`${JSON.stringify({ http: `${a.host}:${a.port}`, socks: `${b.host}:${b.port}` })}\n`);
  });
  await proxy.close();
  return 0;
}
