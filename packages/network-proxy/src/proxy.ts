/**
 * The started proxy: one HTTP listener (absolute-form requests + CONNECT) and one SOCKS5 listener
 * (CONNECT, no-auth), both on loopback, sharing one policy reference that `updatePolicy` swaps.
 * Every attempt is authorised the same way (see `authorize`): name check → optional approval →
 * resolve once → address check → dial exactly the checked address.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import net from "node:net";
import {
  CompiledNetworkPolicy,
  type BlockReason,
  isIpLiteral,
  type NetworkPolicySpec,
  PROXY_ERROR_HEADER_VALUES,
} from "./policy.js";
import { forwardTo, relayBoth, UpstreamReader } from "./relay.js";
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

/** The outcome of authorising one attempt. */
type Authorization =
  | { ok: true; address: string; family: number }
  | { ok: false; kind: "blocked"; reason: BlockReason }
  | { ok: false; kind: "resolve-failed"; message: string };

/** Stream buffer size for relayed sockets (fewer pause/resume cycles than the 16 KiB default). */
const RELAY_HIGH_WATER_MARK = 256 * 1024;

/** Largest answer head the raw HTTP relay buffers before giving up (502). */
const MAX_RESPONSE_HEAD = 64 * 1024;

/** Answer headers the raw relay replaces with its own `Connection: close` (the body's framing stays). */
const RESPONSE_CONNECTION_HEADERS = new Set(["connection", "keep-alive", "proxy-connection"]);

/**
 * An origin's answer head (without the blank line) with `Connection: close` instead of its
 * connection headers, or null when it is not an HTTP/1.x status line plus headers.
 */
function rewriteResponseHead(head: string): string | null {
  const lines = head.split("\r\n");
  if (!/^HTTP\/1\.[01] \d{3}(?: |$)/.test(lines[0] ?? "")) return null;
  const out = [lines[0] as string];
  for (const headerLine of lines.slice(1)) {
    const colon = headerLine.indexOf(":");
    if (colon <= 0) return null;
    if (!RESPONSE_CONNECTION_HEADERS.has(headerLine.slice(0, colon).trim().toLowerCase()))
      out.push(headerLine);
  }
  out.push("Connection: close", "", "");
  return out.join("\r\n");
}

const HOP_BY_HOP = new Set([
  "connection",
  "expect",
  "proxy-connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function toCompiled(
  policy: NetworkPolicySpec | CompiledNetworkPolicy,
): UpdateResult & { policy?: CompiledNetworkPolicy } {
  if (policy instanceof CompiledNetworkPolicy) return { ok: true, policy };
  const built = CompiledNetworkPolicy.build(policy);
  return built.ok ? { ok: true, policy: built.policy } : { ok: false, error: built.error };
}

const defaultLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

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
  private current: CompiledNetworkPolicy;
  private approver: NetworkApprover | undefined;
  private readonly lookup: LookupFn;
  private readonly connectTimeoutMs: number;
  private readonly listeners = new Set<(attempt: BlockedAttempt) => void>();
  private readonly sockets = new Set<net.Socket>();
  private readonly pendingApprovals = new Map<string, Promise<boolean>>();
  private readonly httpServer: http.Server;
  private readonly socksServer: net.Server;
  // `highWaterMark` is handed to the agent's sockets at runtime; @types/node does not list it.
  /** Client connections whose socket carries a raw-relayed answer (never reused for another). */
  private readonly rawRelaying = new WeakSet<net.Socket>();
  private readonly agent = new http.Agent({
    keepAlive: true,
    highWaterMark: RELAY_HIGH_WATER_MARK,
  } as http.AgentOptions);
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(policy: CompiledNetworkPolicy, spec: NetworkProxySpec) {
    this.current = policy;
    this.approver = spec.approver;
    this.lookup = spec.lookup ?? defaultLookup;
    this.connectTimeoutMs = spec.connectTimeoutMs ?? 30_000;
    this.httpServer = http.createServer(
      { highWaterMark: RELAY_HIGH_WATER_MARK },
      (req, res) => void this.onHttpRequest(req, res),
    );
    this.httpServer.on("connection", (s: net.Socket) => this.track(s));
    this.httpServer.on(
      "connect",
      (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => void this.onConnect(req, socket, head),
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
    return this.current;
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
    const compiled = toCompiled(policy);
    if (!compiled.ok || !compiled.policy)
      return compiled.ok ? { ok: false, error: { message: "invalid policy" } } : compiled;
    this.current = compiled.policy;
    return { ok: true };
  }

  onBlocked(listener: (attempt: BlockedAttempt) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setApprover(approver: NetworkApprover | undefined): void {
    this.approver = approver;
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      const closeServer = (server: net.Server) =>
        new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      const done = Promise.all([closeServer(this.httpServer), closeServer(this.socksServer)]);
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
      this.agent.destroy();
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

  private emitBlocked(attempt: BlockedAttempt): void {
    for (const listener of this.listeners) {
      try {
        listener(attempt);
      } catch {
        // A listener's failure must not break the proxy.
      }
    }
  }

  /** Decide one attempt and pick the address to dial (resolved once; the checked address is dialled). */
  async authorize(request: NetworkAccessRequest): Promise<Authorization> {
    const block = (reason: BlockReason, host: string, address?: string): Authorization => {
      this.emitBlocked({
        host,
        port: request.port,
        protocol: request.protocol,
        reason,
        ...(address ? { address } : {}),
      });
      return { ok: false, kind: "blocked", reason };
    };
    let policy = this.current;
    let verdict = policy.evaluateHost(request.host);
    if (!verdict.allowed && verdict.reason === "not_allowed" && this.approver && !this.closed) {
      const host = verdict.host;
      const approved = await this.askApprover({ ...request, host });
      if (!approved || this.closed) return block("not_allowed", host);
      policy = this.current;
      const again = policy.evaluateHost(host);
      // An approval never overrides a deny rule or the local guard; "once" passes the allow list.
      if (!again.allowed && again.reason !== "not_allowed") return block(again.reason, again.host);
      verdict = again.allowed
        ? again
        : { allowed: true, host, ipLiteral: isIpLiteral(host), explicitLocal: false };
    }
    if (!verdict.allowed) return block(verdict.reason, verdict.host);
    let addresses: LookupAddress[];
    if (verdict.ipLiteral) {
      addresses = [
        { address: verdict.host.split("%")[0] ?? verdict.host, family: verdict.host.includes(":") ? 6 : 4 },
      ];
    } else {
      try {
        addresses = await this.lookup(verdict.host);
      } catch (err) {
        return { ok: false, kind: "resolve-failed", message: (err as Error).message };
      }
      if (addresses.length === 0)
        return { ok: false, kind: "resolve-failed", message: `no addresses for ${verdict.host}` };
    }
    const refused = addresses.find((a) => !policy.checkAddress(verdict, a.address));
    if (refused) return block("not_allowed_local", verdict.host, refused.address);
    const first = addresses[0] as LookupAddress;
    return { ok: true, address: first.address, family: first.family };
  }

  private askApprover(request: NetworkAccessRequest): Promise<boolean> {
    const key = `${request.protocol} ${request.host}:${request.port}`;
    let pending = this.pendingApprovals.get(key);
    if (!pending) {
      const approver = this.approver as NetworkApprover;
      pending = approver(request)
        .catch(() => false)
        .finally(() => this.pendingApprovals.delete(key));
      this.pendingApprovals.set(key, pending);
    }
    return pending;
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

  private async onHttpRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // A request pipelined behind a raw-relayed answer is not served: that connection closes after
    // the answer (which says `Connection: close`), and the client retries on a new one.
    if (this.rawRelaying.has(req.socket)) {
      req.resume();
      return;
    }
    const fail = (status: number, message: string, proxyError?: string) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(status, {
        "content-type": "text/plain; charset=utf-8",
        connection: "close",
        ...(proxyError ? { "x-proxy-error": proxyError } : {}),
      });
      res.end(`${message}\n`);
    };
    let url: URL;
    try {
      url = new URL(req.url ?? "");
    } catch {
      fail(400, "this is a proxy: send absolute-form requests (GET http://host/path) or CONNECT");
      return;
    }
    if (url.protocol !== "http:") {
      fail(400, `unsupported scheme ${url.protocol} (use CONNECT for https)`);
      return;
    }
    const port = url.port === "" ? 80 : Number(url.port);
    const auth = await this.authorize({ host: url.hostname, port, protocol: "http" });
    if (!auth.ok) {
      if (auth.kind === "blocked")
        fail(403, `blocked by network policy (${auth.reason})`, PROXY_ERROR_HEADER_VALUES[auth.reason]);
      else fail(502, `cannot resolve ${url.hostname}: ${auth.message}`);
      return;
    }
    // Raw relay when this answer is the connection's current one (`res.socket` is null while an
    // earlier answer on it is still being written) and the body needs no re-framing.
    if (req.headers["transfer-encoding"] === undefined && res.socket !== null) {
      await this.relayHttpRaw(req, url, auth.address, port, fail);
      return;
    }
    // A chunked request body: re-framed by node's HTTP client.
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    }
    if (!headers.host) headers.host = url.host;
    const upstream = http.request({
      host: auth.address,
      family: auth.family,
      port,
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers,
      agent: this.agent,
      setHost: false,
      timeout: this.connectTimeoutMs,
    });
    upstream.on("socket", (s) => this.track(s));
    upstream.on("timeout", () => upstream.destroy(new Error("upstream timed out")));
    upstream.on("response", (up) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) {
        if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
      }
      res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
      up.pipe(res);
      up.on("error", () => res.destroy());
    });
    upstream.on("error", (err) => fail(502, `upstream error: ${err.message}`));
    req.on("error", () => upstream.destroy());
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  /**
   * Forwards an allowed absolute-form request whose body is absent or `content-length` framed, and
   * relays the origin's answer byte for byte, as CONNECT does: the request head is rewritten to
   * origin-form with `Connection: close`, the answer's head gets `Connection: close` (its
   * connection headers dropped) and the client connection closes when the origin's does. Only the
   * heads are parsed, never the body, so every request is checked against the policy and the bytes
   * of the answer are not re-framed.
   */
  private async relayHttpRaw(
    req: http.IncomingMessage,
    url: URL,
    address: string,
    port: number,
    fail: (status: number, message: string) => void,
  ): Promise<void> {
    let dialled: Upstream;
    try {
      dialled = await this.dial(address, port);
    } catch (err) {
      fail(502, `upstream error: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const { socket: upstream, reader } = dialled;
    const client = req.socket;
    if (client.destroyed) {
      upstream.destroy();
      return;
    }
    this.rawRelaying.add(client);
    const head = [`${req.method} ${url.pathname}${url.search} HTTP/1.1`];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] as string;
      if (!HOP_BY_HOP.has(name.toLowerCase())) head.push(`${name}: ${req.rawHeaders[i + 1]}`);
    }
    if (req.headers.host === undefined) head.push(`Host: ${url.host}`);
    head.push("Connection: close", "", "");
    upstream.write(head.join("\r\n"));
    // The body as the client framed it (content-length); the origin answers and closes.
    req.pipe(upstream, { end: false });
    req.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());

    // Parse only the answer's head; then relay the rest untouched until the origin closes.
    let headDone = false;
    let pending: Buffer = Buffer.alloc(0);
    const failBeforeHead = (reason: string) => {
      headDone = true;
      upstream.destroy();
      fail(502, `upstream error: ${reason}`);
    };
    const onHead = (chunk: Buffer): boolean => {
      // A copy: the chunk's memory is read into again after this returns.
      pending = Buffer.concat([pending, chunk]);
      const end = pending.indexOf("\r\n\r\n");
      if (end === -1) {
        if (pending.length <= MAX_RESPONSE_HEAD) return true;
        failBeforeHead("response head too large");
        return false;
      }
      const rewritten = rewriteResponseHead(pending.subarray(0, end).toString("latin1"));
      if (rewritten === null) {
        failBeforeHead("malformed response head");
        return false;
      }
      headDone = true;
      const rest = pending.subarray(end + 4);
      pending = Buffer.alloc(0);
      let more = client.write(Buffer.from(rewritten, "latin1"));
      if (rest.length > 0) more = client.write(rest);
      reader.setHandler(forwardTo(upstream, reader, client));
      if (!more) client.once("drain", () => upstream.resume());
      return more;
    };
    upstream.on("error", (err) => {
      if (headDone) client.destroy();
      else failBeforeHead(err.message);
    });
    upstream.on("end", () => {
      if (headDone) client.end();
      else failBeforeHead("closed before answering");
    });
    reader.start(upstream, onHead);
  }

  private async onConnect(req: http.IncomingMessage, client: net.Socket, head: Buffer): Promise<void> {
    client.on("error", () => client.destroy());
    const reply = (status: string, extra = "") =>
      client.end(`HTTP/1.1 ${status}\r\n${extra}content-length: 0\r\nconnection: close\r\n\r\n`);
    let target: URL;
    try {
      target = new URL(`http://${req.url ?? ""}`);
      if (target.port === "" || target.pathname !== "/" || target.username !== "")
        throw new Error("bad authority");
    } catch {
      reply("400 Bad Request");
      return;
    }
    const port = Number(target.port);
    const auth = await this.authorize({ host: target.hostname, port, protocol: "https" });
    if (!auth.ok) {
      if (auth.kind === "blocked")
        reply("403 Forbidden", `x-proxy-error: ${PROXY_ERROR_HEADER_VALUES[auth.reason]}\r\n`);
      else reply("502 Bad Gateway");
      return;
    }
    let upstream: Upstream;
    try {
      upstream = await this.dial(auth.address, port);
    } catch {
      reply("502 Bad Gateway");
      return;
    }
    if (client.destroyed) {
      upstream.socket.destroy();
      return;
    }
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) upstream.socket.write(head);
    relayBoth(client, upstream.socket, upstream.reader);
  }
}
