/**
 * The started proxy: one HTTP listener (absolute-form requests + CONNECT, ./http-front.ts) and one
 * SOCKS5 listener (CONNECT, no-auth, ./socks5.ts), both on loopback, sharing one `Authorizer`
 * (./authorize.ts) whose policy `updatePolicy` swaps. Every attempt is authorised the same way:
 * name check → optional approval → resolve once → address check → dial exactly the checked address.
 * This file owns the listeners, the sockets (so `close` frees them all) and dialling.
 */
import http from "node:http";
import net from "node:net";
import { type Authorization, Authorizer, toCompiled } from "./authorize.js";
import { HttpFront } from "./http-front.js";
import type { BlockReason, CompiledNetworkPolicy, NetworkPolicySpec } from "./policy.js";
import { UpstreamReader } from "./relay.js";
import { handleSocksConnection } from "./socks5.js";

/** The protocol an attempt used (the app-server's `NetworkApprovalProtocol` values). */
export type NetworkAttemptProtocol = "http" | "https" | "socks5Tcp";

export interface SocketAddress {
  host: string;
  port: number;
}

/** A dialled upstream connection: its socket (paused) and the reader its bytes arrive through. */
export interface Upstream {
  socket: net.Socket;
  reader: UpstreamReader;
}

export interface LookupAddress {
  address: string;
  family: number;
}

/** Resolves a name to its addresses (default: `dns.promises.lookup(name, { all: true })`). */
export type LookupFn = (hostname: string) => Promise<LookupAddress[]>;

export interface NetworkAccessRequest {
  host: string;
  port: number;
  protocol: NetworkAttemptProtocol;
}

export interface BlockedAttempt extends NetworkAccessRequest {
  reason: BlockReason;
  /** The resolved address that tripped the local guard (`not_allowed_local` after DNS). */
  address?: string;
}

/**
 * Asked, while the connection waits, about a host the allow list does not cover (never about a
 * denied host or a local address). Resolve `true` to let this one attempt through; to let later
 * attempts through too, update the policy before resolving (see `createNetworkApprovalBroker`).
 */
export type NetworkApprover = (request: NetworkAccessRequest) => Promise<boolean>;

export interface NetworkProxySpec {
  policy: NetworkPolicySpec | CompiledNetworkPolicy;
  /** Loopback address to listen on (default `127.0.0.1`). Non-loopback addresses are refused. */
  listenHost?: string;
  /** Ports (default 0: ephemeral). */
  httpPort?: number;
  socksPort?: number;
  /** Name resolution override (tests map names to 127.0.0.1). */
  lookup?: LookupFn;
  approver?: NetworkApprover;
  /** Give up dialling an upstream after this long (default 30 s). */
  connectTimeoutMs?: number;
}

export type StartError = { code: "invalid-spec" | "listen-failed"; message: string };
export type StartResult = { ok: true; proxy: NetworkProxy } | { ok: false; error: StartError };
export type UpdateResult = { ok: true } | { ok: false; error: { message: string } };

export interface NetworkProxy {
  readonly httpAddress: SocketAddress;
  readonly socksAddress: SocketAddress;
  /** The policy new connections are checked against. */
  readonly policy: CompiledNetworkPolicy;
  /** Swap the policy for new connections; open connections are not touched. */
  updatePolicy(policy: NetworkPolicySpec | CompiledNetworkPolicy): UpdateResult;
  /** Subscribe to refused attempts; returns the unsubscribe function. */
  onBlocked(listener: (attempt: BlockedAttempt) => void): () => void;
  setApprover(approver: NetworkApprover | undefined): void;
  /** Free every listener and socket (idempotent). */
  close(): Promise<void>;
}

/** Stream buffer size for relayed sockets (fewer pause/resume cycles than the 16 KiB default). */
const RELAY_HIGH_WATER_MARK = 256 * 1024;

function isLoopbackListenHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Start the proxy. Never throws: a bad spec or a failed bind is an error value. */
export async function startNetworkProxy(spec: NetworkProxySpec): Promise<StartResult> {
  const compiled = toCompiled(spec.policy);
  if (!compiled.ok || !compiled.policy) {
    return {
      ok: false,
      error: { code: "invalid-spec", message: compiled.ok ? "invalid policy" : compiled.error.message },
    };
  }
  const listenHost = spec.listenHost ?? "127.0.0.1";
  if (!isLoopbackListenHost(listenHost)) {
    return {
      ok: false,
      error: { code: "invalid-spec", message: `refusing to listen on non-loopback address ${listenHost}` },
    };
  }
  for (const [name, port] of [
    ["httpPort", spec.httpPort],
    ["socksPort", spec.socksPort],
  ] as const) {
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      return {
        ok: false,
        error: { code: "invalid-spec", message: `${name} must be an integer 0–65535 (got ${port})` },
      };
    }
  }
  const proxy = new ProxyServer(compiled.policy, spec);
  try {
    await proxy.listen(listenHost, spec.httpPort ?? 0, spec.socksPort ?? 0);
  } catch (err) {
    await proxy.close();
    return {
      ok: false,
      error: { code: "listen-failed", message: `cannot listen on ${listenHost}: ${(err as Error).message}` },
    };
  }
  return { ok: true, proxy };
}

class ProxyServer implements NetworkProxy {
  httpAddress: SocketAddress = { host: "", port: 0 };
  socksAddress: SocketAddress = { host: "", port: 0 };
  readonly connectTimeoutMs: number;
  private readonly gate: Authorizer;
  private readonly front: HttpFront;
  private readonly sockets = new Set<net.Socket>();
  private readonly httpServer: http.Server;
  private readonly socksServer: net.Server;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(policy: CompiledNetworkPolicy, spec: NetworkProxySpec) {
    this.gate = new Authorizer(policy, {
      approver: spec.approver,
      lookup: spec.lookup,
      closed: () => this.closed,
    });
    this.connectTimeoutMs = spec.connectTimeoutMs ?? 30_000;
    this.front = new HttpFront(this, RELAY_HIGH_WATER_MARK);
    this.httpServer = http.createServer(
      { highWaterMark: RELAY_HIGH_WATER_MARK },
      (req, res) => void this.front.request(req, res),
    );
    this.httpServer.on("connection", (s: net.Socket) => this.track(s));
    this.httpServer.on(
      "connect",
      (req: http.IncomingMessage, socket: net.Socket, head: Buffer) =>
        void this.front.connect(req, socket, head),
    );
    this.httpServer.on("clientError", (_err, socket) => {
      if (socket.writable)
        socket.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
      else socket.destroy();
    });
    this.socksServer = net.createServer(
      { allowHalfOpen: true, highWaterMark: RELAY_HIGH_WATER_MARK, noDelay: true },
      (s) => {
        this.track(s);
        void handleSocksConnection(s, this);
      },
    );
  }

  get policy(): CompiledNetworkPolicy {
    return this.gate.policy;
  }

  async listen(host: string, httpPort: number, socksPort: number): Promise<void> {
    const listenOn = (server: net.Server, port: number) =>
      new Promise<SocketAddress>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const a = server.address() as net.AddressInfo;
          resolve({ host: a.address, port: a.port });
        });
      });
    this.httpAddress = await listenOn(this.httpServer, httpPort);
    this.socksAddress = await listenOn(this.socksServer, socksPort);
    // After binding, a listener error (e.g. EMFILE on accept) must not crash the host process;
    // the listener keeps serving once the condition clears.
    for (const server of [this.httpServer, this.socksServer]) server.on("error", () => {});
  }

  updatePolicy(policy: NetworkPolicySpec | CompiledNetworkPolicy): UpdateResult {
    return this.gate.updatePolicy(policy);
  }

  onBlocked(listener: (attempt: BlockedAttempt) => void): () => void {
    return this.gate.onBlocked(listener);
  }

  setApprover(approver: NetworkApprover | undefined): void {
    this.gate.setApprover(approver);
  }

  authorize(request: NetworkAccessRequest): Promise<Authorization> {
    return this.gate.authorize(request);
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      const closeServer = (server: net.Server) =>
        new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      const done = Promise.all([closeServer(this.httpServer), closeServer(this.socksServer)]);
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
      this.front.close();
      this.closing = done.then(() => undefined);
    }
    return this.closing;
  }

  /** Remember a socket so `close()` can destroy it. */
  track(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }

  /**
   * Dial `address:port`, resolving once connected; a timeout or error rejects. The socket is
   * paused; its bytes flow once the caller starts its reader.
   */
  dial(address: string, port: number): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const reader = new UpstreamReader();
      // `highWaterMark` reaches the socket's streams at runtime; @types/node does not list it here.
      const options: net.NetConnectOpts & { highWaterMark: number } = {
        host: address,
        port,
        allowHalfOpen: true,
        highWaterMark: RELAY_HIGH_WATER_MARK,
        // A relay forwards what it gets at once; the client already decided how to batch it.
        noDelay: true,
        ...reader.connectOptions(),
      };
      const socket = net.connect(options);
      socket.pause();
      this.track(socket);
      socket.once("close", () => reader.release());
      const timer = setTimeout(() => {
        const err = Object.assign(new Error(`connect to ${address}:${port} timed out`), {
          code: "ETIMEDOUT",
        });
        socket.destroy(err);
      }, this.connectTimeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.off("error", onError);
        resolve({ socket, reader });
      });
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once("error", onError);
    });
  }
}
