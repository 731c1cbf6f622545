/** Shared by the tests only (not exported from the package). */
import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import type { LookupAddress, LookupFn } from "./proxy.js";

export const CURL = "/usr/bin/curl";

/** Test names → 127.0.0.1 (anything ending in `.test`); everything else fails like NXDOMAIN. */
export function testLookup(calls?: string[]): LookupFn {
  return async (hostname) => {
    calls?.push(hostname);
    if (hostname.endsWith(".test")) return [{ address: "127.0.0.1", family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  };
}

export function fixedLookup(addresses: LookupAddress[]): LookupFn {
  return async () => addresses;
}

export interface Origin {
  port: number;
  close(): Promise<void>;
}

/** An HTTP origin answering `origin host=<Host header> path=<path>`, echoing request bodies. */
export async function startHttpOrigin(host = "127.0.0.1"): Promise<Origin> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      res.setHeader("x-origin", "yes");
      res.end(
        `origin host=${req.headers.host} path=${req.url} method=${req.method}${body ? ` body=${body}` : ""}`,
      );
    });
  });
  return listen(server, host);
}

/** A TCP echo server (for tunnels). */
export async function startEchoOrigin(host = "127.0.0.1"): Promise<Origin> {
  return listen(
    net.createServer((s) => s.pipe(s).on("error", () => s.destroy())),
    host,
  );
}

export async function listen(server: net.Server, host: string): Promise<Origin> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) (server as http.Server).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RunOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment without any proxy variables (so only explicit flags/vars steer curl). */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/_proxy$/i.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

export function run(argv: string[], env: Record<string, string> = cleanEnv()): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    const child = spawn(file as string, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** curl with a generous timeout, headers included in stdout (`-i`). */
export function curl(args: string[], env?: Record<string, string>): Promise<RunOutput> {
  return run([CURL, "-sS", "-i", "--max-time", "30", ...args], env);
}

/** Open a connection and resolve once connected. */
export function connect(port: number, host = "127.0.0.1"): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host);
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

/** Read from `socket` until `predicate(received)` holds; rejects if it closes first. */
export function readUntil(socket: net.Socket, predicate: (data: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (predicate(data)) {
        cleanup();
        resolve(data);
      }
    };
    const onClose = () => {
      cleanup();
      if (predicate(data)) resolve(data);
      else
        reject(
          new Error(`socket closed after ${data.length} bytes: ${JSON.stringify(data.toString("latin1"))}`),
        );
    };
    const cleanup = () => {
      socket.off("data", onData);
      socket.off("close", onClose);
    };
    socket.on("data", onData);
    socket.on("close", onClose);
  });
}

/** Raw SOCKS5 CONNECT; resolves with the reply code and the (possibly open) socket. */
export async function socksConnect(
  proxyPort: number,
  target: { type: "domain"; host: string } | { type: "ipv4"; host: string } | { type: "ipv6"; bytes: Buffer },
  port: number,
): Promise<{ code: number; socket: net.Socket }> {
  const socket = await connect(proxyPort);
  socket.write(Buffer.from([5, 1, 0]));
  const hello = await readUntil(socket, (d) => d.length >= 2);
  if (hello[1] !== 0) throw new Error(`method refused: ${hello[1]}`);
  let addr: Buffer;
  if (target.type === "domain") {
    const name = Buffer.from(target.host);
    addr = Buffer.concat([Buffer.from([3, name.length]), name]);
  } else if (target.type === "ipv4") {
    addr = Buffer.from([1, ...target.host.split(".").map(Number)]);
  } else {
    addr = Buffer.concat([Buffer.from([4]), target.bytes]);
  }
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port);
  socket.write(Buffer.concat([Buffer.from([5, 1, 0]), addr, p]));
  const reply = await readUntil(socket, (d) => d.length >= 10);
  return { code: reply[1] as number, socket };
}

/** Raw CONNECT through the HTTP proxy; resolves with the status line/headers and the socket. */
export async function httpConnect(
  proxyPort: number,
  authority: string,
): Promise<{ head: string; socket: net.Socket }> {
  const socket = await connect(proxyPort);
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  const data = await readUntil(socket, (d) => d.includes("\r\n\r\n"));
  return { head: data.toString("latin1"), socket };
}

/** Write `text` and wait for the same bytes back (echo tunnels). */
export async function echoRoundTrip(socket: net.Socket, text: string): Promise<string> {
  const got = readUntil(socket, (d) => d.toString().includes(text));
  socket.write(text);
  return (await got).toString();
}

/** Resolves once `predicate()` holds (polling), or rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
