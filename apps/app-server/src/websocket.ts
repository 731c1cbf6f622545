/**
 * WebSocket listeners (the `ws` library): `ws://IP:PORT` over TCP and `unix://[PATH]` (WebSocket
 * over a unix socket, as Codex's control socket speaks). One JSON-RPC message per text frame.
 * The HTTP side answers `GET /readyz` and `GET /healthz`, and refuses any request carrying an
 * `Origin` header (a browser page) with 403; TCP clients authenticate with
 * `Authorization: Bearer <token>` during the handshake when `--ws-auth` is set.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { Channel } from "./channel.js";
import { errorMessage } from "./errors.js";
import type { WsAuthConfig } from "./listen.js";
import type { Logger } from "./log.js";

export interface Listener {
  /** Where clients connect: `ws://host:port` or `unix:///path`. */
  readonly url: string;
  /** Stops accepting and disconnects every client of this listener. */
  close(): Promise<void>;
}

/** A WebSocket as a Channel: each text frame is one message. */
export function webSocketChannel(socket: WebSocket, log: Logger): Channel {
  let lastSend: Promise<void> = Promise.resolve();
  return {
    start(handlers) {
      socket.on("message", (data, isBinary) => {
        if (isBinary) {
          log.warn("ignoring a binary WebSocket frame");
          return;
        }
        handlers.message(Array.isArray(data) ? Buffer.concat(data).toString("utf8") : data.toString());
      });
      socket.on("close", () => handlers.close());
      socket.on("error", (error) => log.warn(`websocket error: ${errorMessage(error)}`));
    },
    send(text) {
      if (socket.readyState !== socket.OPEN) return;
      lastSend = new Promise((resolve) => socket.send(text, () => resolve()));
    },
    flush: () => lastSend,
    close() {
      socket.close();
    },
  };
}

/** Checks the handshake's bearer token; true when no auth is configured. */
export function authorizeUpgrade(request: IncomingMessage, auth: WsAuthConfig, nowSeconds = Date.now() / 1000): boolean {
  if (auth.mode === "none") return true;
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return false;
  const token = match[1];
  if (auth.mode === "capability-token") {
    const seen = createHash("sha256").update(token).digest();
    return timingSafeEqual(seen, Buffer.from(auth.sha256, "hex"));
  }
  return verifyHs256(token, auth, nowSeconds);
}

function verifyHs256(token: string, auth: Extract<WsAuthConfig, { mode: "signed-bearer-token" }>, now: number): boolean {
  const parts = token.split(".");
  if (parts.length !== 3) return false;
  const [head, body, signature] = parts as [string, string, string];
  let header: { alg?: unknown };
  let claims: { exp?: unknown; nbf?: unknown; iss?: unknown; aud?: unknown };
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return false;
  }
  if (header.alg !== "HS256") return false;
  const expected = createHmac("sha256", auth.secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const skew = auth.maxClockSkewSeconds;
  if (typeof claims.exp !== "number" || claims.exp + skew < now) return false;
  if (typeof claims.nbf === "number" && claims.nbf - skew > now) return false;
  if (auth.issuer !== null && claims.iss !== auth.issuer) return false;
  if (auth.audience !== null) {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(auth.audience)) return false;
  }
  return true;
}

interface ServeOptions {
  auth: WsAuthConfig;
  log: Logger;
  onChannel: (channel: Channel) => void;
}

function reject(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** An HTTP server that upgrades to WebSocket connections, each handed over as a Channel. */
function webSocketHttpServer(options: ServeOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const status = req.headers.origin !== undefined ? 403 : req.method === "GET" && (req.url === "/readyz" || req.url === "/healthz") ? 200 : 404;
    res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "OK" : status === 403 ? "Forbidden" : "Not Found");
  });
  http.on("upgrade", (req, socket, head) => {
    if (req.headers.origin !== undefined) return reject(socket, 403, "Forbidden");
    if (!authorizeUpgrade(req, options.auth)) return reject(socket, 401, "Unauthorized");
    wss.handleUpgrade(req, socket, head, (ws) => options.onChannel(webSocketChannel(ws, options.log)));
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.close(() => resolve());
      http.closeAllConnections();
    });
  return { http, close };
}

/** `ws://IP:PORT` (port 0: any free port; `url` names the one bound). */
export async function listenWebSocket(host: string, port: number, options: ServeOptions): Promise<Listener> {
  const { http, close } = webSocketHttpServer(options);
  await new Promise<void>((resolve, rejectListen) => {
    http.once("error", rejectListen);
    http.listen(port, host, () => {
      http.off("error", rejectListen);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { url: `ws://${shown}:${address.port}`, close };
}

/** Where `unix://` listens: `$CODEX_HOME/app-server-control/app-server-control.sock`, as Codex. */
export function defaultControlSocket(codexHome: string): string {
  return path.join(codexHome, "app-server-control", "app-server-control.sock");
}

/** Longest socket path the kernel accepts (sun_path), with room for the terminator. */
const MAX_SOCKET_PATH = 100;

/**
 * `unix://[PATH]`: WebSocket over a unix socket, reachable by this user only (the socket's
 * directory is 0700). Like Codex, a path too long for the kernel is a symlink to a short one under
 * the temp dir. A stale socket (nobody listening) is replaced; a live one is an error.
 */
export async function listenUnix(socketPath: string, options: ServeOptions): Promise<Listener> {
  mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  let bindPath = socketPath;
  if (socketPath.length > MAX_SOCKET_PATH) {
    const dir = path.join(os.tmpdir(), `codex-ts-daemon-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    bindPath = path.join(dir, createHash("sha256").update(socketPath).digest("hex"));
  }
  if (await socketInUse(bindPath)) throw new Error(`app-server control socket is already in use at ${socketPath}`);
  rmSync(bindPath, { force: true });
  const { http, close } = webSocketHttpServer(options);
  await new Promise<void>((resolve, rejectListen) => {
    http.once("error", rejectListen);
    http.listen(bindPath, () => {
      http.off("error", rejectListen);
      resolve();
    });
  });
  chmodSync(bindPath, 0o600);
  if (bindPath !== socketPath) {
    if (isSymlink(socketPath) || existsSync(socketPath)) rmSync(socketPath, { force: true });
    symlinkSync(bindPath, socketPath);
  }
  return {
    url: `unix://${socketPath}`,
    close: async () => {
      await close();
      rmSync(bindPath, { force: true });
      if (bindPath !== socketPath && isSymlink(socketPath) && readlinkSync(socketPath) === bindPath) rmSync(socketPath, { force: true });
    },
  };
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Whether something accepts connections on the unix socket at `file`. */
async function socketInUse(file: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  const { createConnection } = await import("node:net");
  return new Promise((resolve) => {
    const probe = createConnection(file);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}
