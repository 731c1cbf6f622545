/**
 * SOCKS5 (RFC 1928) server side, CONNECT only, "no authentication required" only.
 *
 *   client → VER=5 NMETHODS METHODS…            server → 5 0x00 (or 0xff: no acceptable method)
 *   client → 5 CMD=1 0 ATYP ADDR PORT           server → 5 REP 0 ATYP BND.ADDR BND.PORT
 *   ATYP 1 = IPv4 (4 bytes), 3 = domain (length + name), 4 = IPv6 (16 bytes)
 *   REP 0 ok, 1 general failure, 2 not allowed by ruleset, 3 network unreachable, 4 host unreachable,
 *       5 connection refused, 6 TTL expired (timeout), 7 command not supported, 8 address type not supported
 */
import net from "node:net";
import { normalizeHost } from "./policy.js";
import type { NetworkAccessRequest, Upstream } from "./proxy.js";
import { relayBoth } from "./relay.js";

export const SOCKS_REPLY = {
  succeeded: 0x00,
  generalFailure: 0x01,
  notAllowedByRuleset: 0x02,
  networkUnreachable: 0x03,
  hostUnreachable: 0x04,
  connectionRefused: 0x05,
  ttlExpired: 0x06,
  commandNotSupported: 0x07,
  addressTypeNotSupported: 0x08,
} as const;

/** What the SOCKS front-end needs from the proxy. */
export interface SocksHost {
  authorize(
    request: NetworkAccessRequest,
  ): Promise<
    { ok: true; address: string; family: number } | { ok: false; kind: "blocked" | "resolve-failed" }
  >;
  dial(address: string, port: number): Promise<Upstream>;
}

/** Read exactly `n` bytes (leaving any extra in the stream); `undefined` if the peer went away first. */
function readBytes(socket: net.Socket, n: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const cleanup = () => {
      socket.off("readable", attempt);
      socket.off("end", gone);
      socket.off("close", gone);
      socket.off("error", gone);
    };
    const gone = () => {
      cleanup();
      resolve(undefined);
    };
    function attempt(): boolean {
      const chunk = socket.read(n) as Buffer | null;
      if (chunk === null) return false;
      cleanup();
      resolve(chunk.length === n ? chunk : undefined);
      return true;
    }
    if (n === 0) {
      resolve(Buffer.alloc(0));
      return;
    }
    if (socket.destroyed) {
      resolve(undefined);
      return;
    }
    if (attempt()) return;
    socket.on("readable", attempt);
    socket.once("end", gone);
    socket.once("close", gone);
    socket.once("error", gone);
  });
}

function reply(code: number, bound?: { address: string; port: number }): Buffer {
  const family = bound ? net.isIP(bound.address) : 0;
  if (bound && family === 6) {
    const head = Buffer.from([5, code, 0, 4]);
    return Buffer.concat([head, ipv6Bytes(bound.address), portBytes(bound.port)]);
  }
  const v4 = bound && family === 4 ? bound.address.split(".").map(Number) : [0, 0, 0, 0];
  return Buffer.concat([Buffer.from([5, code, 0, 1, ...v4]), portBytes(bound?.port ?? 0)]);
}

function portBytes(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(port);
  return b;
}

function ipv6Bytes(address: string): Buffer {
  const out = Buffer.alloc(16);
  const [head = "", tail] = address.split("%")[0]?.split("::") ?? [""];
  const parse = (part: string | undefined) => (part ? part.split(":").filter((g) => g !== "") : []);
  const left = parse(head);
  const right = parse(tail);
  const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  for (const [i, g] of groups.slice(0, 8).entries())
    out.writeUInt16BE(Number.parseInt(g, 16) & 0xffff, i * 2);
  return out;
}

function ipv6FromBytes(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return normalizeHost(groups.join(":")) ?? groups.join(":");
}

function replyForDialError(err: unknown): number {
  switch ((err as { code?: string }).code) {
    case "ECONNREFUSED":
      return SOCKS_REPLY.connectionRefused;
    case "ENETUNREACH":
      return SOCKS_REPLY.networkUnreachable;
    case "EHOSTUNREACH":
      return SOCKS_REPLY.hostUnreachable;
    case "ETIMEDOUT":
      return SOCKS_REPLY.ttlExpired;
    default:
      return SOCKS_REPLY.generalFailure;
  }
}

/** Serve one SOCKS5 client connection to completion. Never throws. */
export async function handleSocksConnection(client: net.Socket, host: SocksHost): Promise<void> {
  client.on("error", () => client.destroy());
  // The method reply is held back while the client's request is already here (a client that sends
  // greeting and request together), then goes out with the final reply in one write; a client
  // that waits for it gets it before we wait for its request.
  let heldReply: Buffer | undefined;
  const flushHeld = () => {
    if (heldReply && !client.destroyed) client.write(heldReply);
    heldReply = undefined;
  };
  const send = (bytes: Buffer, end: boolean) => {
    const out = heldReply ? Buffer.concat([heldReply, bytes]) : bytes;
    heldReply = undefined;
    if (end) client.end(out);
    else client.write(out);
  };
  const read = (n: number) => {
    if (heldReply && client.readableLength < n) flushHeld();
    return readBytes(client, n);
  };
  try {
    const greeting = await readBytes(client, 2);
    if (greeting?.[0] !== 5) {
      client.destroy();
      return;
    }
    const methods = await readBytes(client, greeting[1] ?? 0);
    if (!methods) {
      client.destroy();
      return;
    }
    if (!methods.includes(0x00)) {
      client.end(Buffer.from([5, 0xff]));
      return;
    }
    heldReply = Buffer.from([5, 0x00]);

    const request = await read(4);
    if (request?.[0] !== 5) {
      client.destroy();
      return;
    }
    const command = request[1];
    const atyp = request[3];
    let targetHost: string;
    if (atyp === 1) {
      const b = await read(4);
      if (!b) return void client.destroy();
      targetHost = Array.from(b).join(".");
    } else if (atyp === 3) {
      const len = await read(1);
      const name = len?.[0] ? await read(len[0]) : undefined;
      if (!name) return void client.destroy();
      targetHost = name.toString("utf8");
    } else if (atyp === 4) {
      const b = await read(16);
      if (!b) return void client.destroy();
      targetHost = ipv6FromBytes(b);
    } else {
      send(reply(SOCKS_REPLY.addressTypeNotSupported), true);
      return;
    }
    const portBuf = await read(2);
    if (!portBuf) return void client.destroy();
    const port = portBuf.readUInt16BE(0);
    if (command !== 1) {
      send(reply(SOCKS_REPLY.commandNotSupported), true);
      return;
    }

    const auth = await host.authorize({ host: targetHost, port, protocol: "socks5Tcp" });
    if (!auth.ok) {
      send(
        reply(auth.kind === "blocked" ? SOCKS_REPLY.notAllowedByRuleset : SOCKS_REPLY.hostUnreachable),
        true,
      );
      return;
    }
    let upstream: Upstream;
    try {
      upstream = await host.dial(auth.address, port);
    } catch (err) {
      if (!client.destroyed) send(reply(replyForDialError(err)), true);
      return;
    }
    if (client.destroyed) {
      upstream.socket.destroy();
      return;
    }
    send(
      reply(SOCKS_REPLY.succeeded, {
        address: upstream.socket.localAddress ?? "0.0.0.0",
        port: upstream.socket.localPort ?? 0,
      }),
      false,
    );
    relayBoth(client, upstream.socket, upstream.reader);
  } catch {
    client.destroy();
  }
}
