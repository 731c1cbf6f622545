/**
 * @codex-ts/network-proxy: bytes per second through the proxy vs direct on loopback (goal: the
 * proxied paths reach ≥ 80% of direct), and the latency a connection setup gains.
 */
import http from "node:http";
import net from "node:net";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startNetworkProxy } from "@codex-ts/network-proxy";
import { type Benchmark, note, record } from "./harness.js";

// The proxy runs in its own process, as it would run beside (not inside) the client and the
// origin: this process's event loop stays busy with both ends of the transfer.
if (process.env.CODEX_TS_NETWORK_PROXY_BENCH_CHILD === "1") {
  const started = await startNetworkProxy({
    policy: { allowedDomains: ["bench.test"], allowLocal: true },
    lookup: async () => [{ address: "127.0.0.1", family: 4 }],
  });
  if (!started.ok) throw new Error(started.error.message);
  const { proxy } = started;
  process.stdout.write(`${JSON.stringify({ http: proxy.httpAddress.port, socks: proxy.socksAddress.port })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void proxy.close());
}

async function startProxyProcess(): Promise<{ http: number; socks: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, CODEX_TS_NETWORK_PROXY_BENCH_CHILD: "1" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const ports = await new Promise<{ http: number; socks: number }>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0] as string));
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`proxy process exited (${code})`)));
  });
  return {
    ...ports,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      await exited;
    },
  };
}

const TOTAL_BYTES = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 0x61);
const RUNS = 7;
const CONNECTS = 300;

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

/** Write TOTAL_BYTES to every connection, then end it. */
function blast(socket: net.Socket): void {
  let left = TOTAL_BYTES;
  const pump = () => {
    while (left > 0) {
      left -= CHUNK.length;
      if (!socket.write(CHUNK)) return void socket.once("drain", pump);
    }
    socket.end();
  };
  socket.on("error", () => socket.destroy());
  pump();
}

function drain(socket: net.Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    socket.on("data", (d: Buffer) => {
      n += d.length;
    });
    socket.on("end", () => resolve(n));
    socket.on("error", reject);
  });
}

function connected(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => resolve(s));
    s.on("error", reject);
  });
}

/** Read until `predicate` holds on what arrived; the socket is paused afterwards with leftovers unshifted. */
function readHead(socket: net.Socket, predicate: (b: Buffer) => number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const used = predicate(buf);
      if (used >= 0) {
        socket.off("data", onData);
        socket.pause();
        if (used < buf.length) socket.unshift(buf.subarray(used));
        resolve();
      }
    };
    socket.on("data", onData);
    socket.once("error", reject);
  });
}

async function viaConnect(proxyPort: number, port: number): Promise<net.Socket> {
  const s = await connected(proxyPort);
  s.write(`CONNECT bench.test:${port} HTTP/1.1\r\nHost: bench.test:${port}\r\n\r\n`);
  await readHead(s, (b) => {
    const end = b.indexOf("\r\n\r\n");
    if (end < 0) return -1;
    if (!b.subarray(0, 12).toString().includes(" 200")) throw new Error(b.toString());
    return end + 4;
  });
  return s;
}

async function viaSocks(proxyPort: number, port: number): Promise<net.Socket> {
  const s = await connected(proxyPort);
  const name = Buffer.from("bench.test");
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port);
  s.write(Buffer.concat([Buffer.from([5, 1, 0, 5, 1, 0, 3, name.length]), name, p]));
  await readHead(s, (b) => (b.length >= 12 ? 12 : -1)); // 2 (method) + 10 (reply)
  return s;
}

async function httpDownload(port: number, viaProxy: number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = `http://bench.test:${port}/`;
    const req = http.request(
      viaProxy === undefined
        ? { host: "127.0.0.1", port, path: "/", agent: false }
        : { host: "127.0.0.1", port: viaProxy, path: url, headers: { host: `bench.test:${port}` }, agent: false },
      (res) => {
        let n = 0;
        res.on("data", (d: Buffer) => {
          n += d.length;
        });
        res.on("end", () => resolve(n));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * Best bytes/second of each transfer over RUNS rounds; the rounds interleave the variants so a busy
 * machine's load falls on all of them alike.
 */
async function bestRates(variants: Array<() => Promise<number>>): Promise<number[]> {
  const best = variants.map(() => 0);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, once] of variants.entries()) {
      const t0 = performance.now();
      const bytes = await once();
      const seconds = (performance.now() - t0) / 1000;
      if (bytes !== TOTAL_BYTES) throw new Error(`short transfer: ${bytes}`);
      best[k] = Math.max(best[k] ?? 0, bytes / seconds);
    }
  }
  return best;
}

async function meanConnectMs(open: () => Promise<net.Socket>): Promise<number> {
  for (let i = 0; i < 20; i++) (await open()).destroy();
  const t0 = performance.now();
  for (let i = 0; i < CONNECTS; i++) (await open()).destroy();
  return (performance.now() - t0) / CONNECTS;
}

// Figures go to the runner's table (harness `record`) instead of being printed here.
const MiB = 1024 * 1024;
const rate = (label: string, bytesPerSecond: number) => record(label, bytesPerSecond / MiB, { unit: "MiB/s", digits: 0 });
const ratio = (label: string, proxied: number, direct: number) =>
  record(label, (proxied / direct) * 100, { unit: "%", digits: 0, goal: { op: ">=", value: 80 } });
const micros = (label: string, ms: number) => record(label, ms * 1000, { unit: "µs", digits: 0 });

const benchmark: Benchmark = {
  name: "network-proxy",
  async run() {
    const raw = net.createServer(blast);
    const rawPort = await listen(raw);
    const web = http.createServer((_req, res) => {
      res.setHeader("content-length", TOTAL_BYTES);
      let left = TOTAL_BYTES;
      const pump = () => {
        while (left > 0) {
          left -= CHUNK.length;
          if (!res.write(CHUNK)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    const webPort = await listen(web);
    const proxy = await startProxyProcess();
    const httpProxy = proxy.http;
    const socksProxy = proxy.socks;
    try {
      const [direct = 0, connect = 0, socks = 0] = await bestRates([
        async () => drain(await connected(rawPort)),
        async () => {
          const s = await viaConnect(httpProxy, rawPort);
          const n = drain(s);
          s.resume();
          return n;
        },
        async () => {
          const s = await viaSocks(socksProxy, rawPort);
          const n = drain(s);
          s.resume();
          return n;
        },
      ]);
      note(
        `proxy in its own process (startNetworkProxy, domain allowlist); ${TOTAL_BYTES / MiB} MiB per transfer from a loopback origin; each sample is the best of ${RUNS} interleaved rounds; connection setup is the mean of ${CONNECTS} sequential connects`,
      );
      rate(`TCP download ${TOTAL_BYTES / MiB} MiB, direct`, direct);
      rate("  through CONNECT tunnel", connect);
      rate("  through SOCKS5", socks);
      ratio("  CONNECT / direct", connect, direct);
      ratio("  SOCKS5 / direct", socks, direct);

      const [httpDirect = 0, httpProxied = 0] = await bestRates([
        () => httpDownload(webPort, undefined),
        () => httpDownload(webPort, httpProxy),
      ]);
      rate(`HTTP GET ${TOTAL_BYTES / MiB} MiB, direct`, httpDirect);
      rate("  through the HTTP proxy (absolute-form)", httpProxied);
      ratio("  HTTP proxy / direct", httpProxied, httpDirect);

      const directMs = await meanConnectMs(() => connected(rawPort));
      const connectMs = await meanConnectMs(() => viaConnect(httpProxy, rawPort));
      const socksMs = await meanConnectMs(() => viaSocks(socksProxy, rawPort));
      micros("connection setup, direct", directMs);
      micros("  CONNECT tunnel (added)", connectMs - directMs);
      micros("  SOCKS5 (added)", socksMs - directMs);
    } finally {
      await proxy.stop();
      raw.close();
      web.closeAllConnections();
      web.close();
    }
  },
};
export default benchmark;
