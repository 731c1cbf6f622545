import { createHash } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NetworkProxy, startNetworkProxy } from "./proxy.js";
import { SOCKS_REPLY } from "./socks5.js";
import {
  connect,
  httpConnect,
  listen,
  type Origin,
  readUntil,
  socksConnect,
  testLookup,
} from "./test-util.js";

const SIZE = 6 * 1024 * 1024 + 12_345;

/** Deterministic bytes for `seed` (xorshift32; different seeds differ everywhere). */
function content(seed: number): Buffer {
  const words = new Uint32Array(Math.ceil(SIZE / 4));
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, SIZE);
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let bulk: Origin;
let chatty: Origin;
let proxy: NetworkProxy;

beforeAll(async () => {
  // Reads a seed line, answers with that seed's content and closes.
  bulk = await listen(
    net.createServer((s) => {
      s.on("error", () => s.destroy());
      let line = "";
      const onData = (d: Buffer) => {
        line += d.toString("latin1");
        if (!line.includes("\n")) return;
        s.off("data", onData);
        s.end(content(Number(line.trim())));
      };
      s.on("data", onData);
    }),
    "127.0.0.1",
  );
  // Speaks first (like SMTP or SSH), then echoes.
  chatty = await listen(
    net.createServer((s) => {
      s.on("error", () => s.destroy());
      s.write("BANNER\n");
      s.pipe(s);
    }),
    "127.0.0.1",
  );
  const started = await startNetworkProxy({
    policy: { allowedDomains: ["allowed.test"], allowLocal: true },
    lookup: testLookup(),
  });
  if (!started.ok) throw new Error(started.error.message);
  proxy = started.proxy;
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await Promise.all([bulk.close(), chatty.close()]);
});

/** Everything until the peer ends; a slow reader pauses after each chunk so the proxy must hold its writes. */
function receiveAll(socket: net.Socket, slow: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on("data", (d: Buffer) => {
      chunks.push(d);
      if (slow && chunks.length % 8 === 0) {
        socket.pause();
        setTimeout(() => socket.resume(), 5);
      }
    });
    socket.once("end", () => resolve(Buffer.concat(chunks)));
    socket.once("error", reject);
  });
}

async function openTunnel(kind: "connect" | "socks"): Promise<net.Socket> {
  if (kind === "connect") {
    const { head, socket } = await httpConnect(proxy.httpAddress.port, `allowed.test:${bulk.port}`);
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(head.endsWith("\r\n\r\n")).toBe(true);
    return socket;
  }
  const { code, socket } = await socksConnect(
    proxy.socksAddress.port,
    { type: "domain", host: "allowed.test" },
    bulk.port,
  );
  expect(code).toBe(SOCKS_REPLY.succeeded);
  return socket;
}

describe("relayed downloads", () => {
  it("concurrent bulk downloads through CONNECT and SOCKS5 arrive byte-exact, fast and slow readers alike", async () => {
    const plan = [
      { kind: "connect", seed: 1, slow: false },
      { kind: "connect", seed: 2, slow: true },
      { kind: "socks", seed: 3, slow: false },
      { kind: "socks", seed: 4, slow: true },
    ] as const;
    const results = await Promise.all(
      plan.map(async ({ kind, seed, slow }) => {
        const socket = await openTunnel(kind);
        const received = receiveAll(socket, slow);
        socket.write(`${seed}\n`);
        const data = await received;
        socket.destroy();
        return { seed, length: data.length, hash: sha(data) };
      }),
    );
    for (const r of results) {
      expect(r.length).toBe(SIZE);
      expect(r.hash).toBe(sha(content(r.seed)));
    }
  }, 60_000);

  it("bytes an upstream sends before the tunnel is set up arrive after the reply, in order", async () => {
    const viaConnect = await httpConnect(proxy.httpAddress.port, `allowed.test:${chatty.port}`);
    const afterHead = viaConnect.head.slice(viaConnect.head.indexOf("\r\n\r\n") + 4);
    const banner1 =
      afterHead.length >= 7
        ? afterHead
        : afterHead +
          (await readUntil(viaConnect.socket, (d) => d.length + afterHead.length >= 7)).toString();
    expect(viaConnect.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(banner1).toBe("BANNER\n");
    const echoed = readUntil(viaConnect.socket, (d) => d.toString().includes("hello"));
    viaConnect.socket.write("hello");
    expect((await echoed).toString()).toBe("hello");
    viaConnect.socket.destroy();

    const viaSocks = await connect(proxy.socksAddress.port);
    const name = Buffer.from("allowed.test");
    const port = Buffer.alloc(2);
    port.writeUInt16BE(chatty.port);
    const all = readUntil(viaSocks, (d) => d.length >= 12 + 7);
    viaSocks.write(Buffer.concat([Buffer.from([5, 1, 0, 5, 1, 0, 3, name.length]), name, port]));
    const got = await all;
    expect([...got.subarray(0, 4)]).toEqual([5, 0, 5, SOCKS_REPLY.succeeded]);
    expect(got.subarray(12).toString()).toBe("BANNER\n");
    viaSocks.destroy();
  }, 30_000);
});

describe("SOCKS5 client that sends greeting and request together", () => {
  const request = (host: string, port: number) => {
    const name = Buffer.from(host);
    const p = Buffer.alloc(2);
    p.writeUInt16BE(port);
    return Buffer.concat([Buffer.from([5, 1, 0, 5, 1, 0, 3, name.length]), name, p]);
  };

  it("gets the method reply and then the connect reply, and a working tunnel", async () => {
    const socket = await connect(proxy.socksAddress.port);
    const replies = readUntil(socket, (d) => d.length >= 12);
    socket.write(request("allowed.test", chatty.port));
    const got = await replies;
    expect([...got.subarray(0, 2)]).toEqual([5, 0x00]);
    expect([...got.subarray(2, 5)]).toEqual([5, SOCKS_REPLY.succeeded, 0]);
    socket.destroy();
  }, 30_000);

  it("gets the method reply before a refusal", async () => {
    const socket = await connect(proxy.socksAddress.port);
    const replies = readUntil(socket, (d) => d.length >= 12);
    socket.write(request("elsewhere.test", chatty.port));
    const got = await replies;
    expect([...got.subarray(0, 2)]).toEqual([5, 0x00]);
    expect(got[3]).toBe(SOCKS_REPLY.notAllowedByRuleset);
    socket.destroy();
  }, 30_000);
});
