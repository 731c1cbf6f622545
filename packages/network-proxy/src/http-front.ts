/**
 * The HTTP listener's two front-ends: absolute-form requests (authorised per request; relayed raw
 * when the body is absent or `content-length` framed, else re-framed by node's HTTP client) and
 * CONNECT tunnels (a raw byte relay). Both ask the proxy's `authorize` first and dial exactly the
 * address it checked.
 */
import http from "node:http";
import type net from "node:net";
import type { Authorization } from "./authorize.js";
import { PROXY_ERROR_HEADER_VALUES } from "./policy.js";
import type { NetworkAccessRequest, Upstream } from "./proxy.js";
import { forwardTo, relayBoth } from "./relay.js";

/** What the HTTP front-ends need from the proxy. */
export interface HttpHost {
  authorize(request: NetworkAccessRequest): Promise<Authorization>;
  dial(address: string, port: number): Promise<Upstream>;
  /** Remember a socket so the proxy's `close()` destroys it. */
  track(socket: net.Socket): void;
  readonly connectTimeoutMs: number;
}

type Fail = (status: number, message: string, proxyError?: string) => void;

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

export class HttpFront {
  readonly #host: HttpHost;
  /** Client connections whose socket carries a raw-relayed answer (never reused for another). */
  readonly #rawRelaying = new WeakSet<net.Socket>();
  // `highWaterMark` is handed to the agent's sockets at runtime; @types/node does not list it.
  readonly #agent: http.Agent;

  constructor(host: HttpHost, highWaterMark: number) {
    this.#host = host;
    this.#agent = new http.Agent({ keepAlive: true, highWaterMark } as http.AgentOptions);
  }

  /** Frees the pooled upstream connections of re-framed requests. */
  close(): void {
    this.#agent.destroy();
  }

  async request(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // A request pipelined behind a raw-relayed answer is not served: that connection closes after
    // the answer (which says `Connection: close`), and the client retries on a new one.
    if (this.#rawRelaying.has(req.socket)) {
      req.resume();
      return;
    }
    const fail: Fail = (status, message, proxyError) => {
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
    const auth = await this.#host.authorize({ host: url.hostname, port, protocol: "http" });
    if (!auth.ok) {
      if (auth.kind === "blocked")
        fail(403, `blocked by network policy (${auth.reason})`, PROXY_ERROR_HEADER_VALUES[auth.reason]);
      else fail(502, `cannot resolve ${url.hostname}: ${auth.message}`);
      return;
    }
    // Raw relay when this answer is the connection's current one (`res.socket` is null while an
    // earlier answer on it is still being written) and the body needs no re-framing.
    if (req.headers["transfer-encoding"] === undefined && res.socket !== null) {
      await this.#relayRaw(req, url, auth.address, port, fail);
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
      agent: this.#agent,
      setHost: false,
      timeout: this.#host.connectTimeoutMs,
    });
    upstream.on("socket", (s) => this.#host.track(s));
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
  async #relayRaw(
    req: http.IncomingMessage,
    url: URL,
    address: string,
    port: number,
    fail: Fail,
  ): Promise<void> {
    let dialled: Upstream;
    try {
      dialled = await this.#host.dial(address, port);
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
    this.#rawRelaying.add(client);
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

  async connect(req: http.IncomingMessage, client: net.Socket, head: Buffer): Promise<void> {
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
    const auth = await this.#host.authorize({ host: target.hostname, port, protocol: "https" });
    if (!auth.ok) {
      if (auth.kind === "blocked")
        reply("403 Forbidden", `x-proxy-error: ${PROXY_ERROR_HEADER_VALUES[auth.reason]}\r\n`);
      else reply("502 Bad Gateway");
      return;
    }
    let upstream: Upstream;
    try {
      upstream = await this.#host.dial(auth.address, port);
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
