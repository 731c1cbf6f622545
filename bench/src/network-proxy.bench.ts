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
  process.stdout.write(
    `${JSON.stringify({ http: proxy.httpAddress.port, socks: proxy.socksAddress.port })}\n`,
  );
  // Each line on stdin asks for this process's CPU time so far (µs, user + system).
  process.stdin.on("data", (d: Buffer) => {
    for (let i = 0; i < d.toString().split("\n").length - 1; i++) {
      const { user, system } = process.cpuUsage();
      process.stdout.write(`${user + system}\n`);
    }
  });
  process.stdin.on("end", () => void proxy.close());
}

interface ProxyProcess {
  http: number;
  socks: number;
  /** The proxy process's CPU time so far, in µs (user + system, all its threads). */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

async function startProxyProcess(): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, CODEX_TS_NETWORK_PROXY_BENCH_CHILD: "1" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve) => {
      const line = lines.shift();
      if (line !== undefined) resolve(line);
      else waiting.push(resolve);
    });
  const exited = new Promise<never>((_, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`proxy process exited (${code})`)));
  });
  exited.catch(() => {});
  const ports = JSON.parse(await Promise.race([nextLine(), exited])) as { http: number; socks: number };
  return {
    ...ports,
    cpuMicros: async () => {
      child.stdin.write("cpu\n");
      return Number(await Promise.race([nextLine(), exited]));
    },
    stop: async () => {
      const done = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      await done;
    },
  };
}

const TOTAL_BYTES = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 0x61);
const RUNS = 7;
const CONNECTS = 300;
const SETUP_WARMUP = 200;

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)),
  );
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
        : {
            host: "127.0.0.1",
            port: viaProxy,
            path: url,
            headers: { host: `bench.test:${port}` },
            agent: false,
          },
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

interface Transfer {
  /** Moves TOTAL_BYTES; resolves with the bytes received. */
  once(): Promise<number>;
  /** Whether the bytes go through the proxy process (its CPU time is then measured too). */
  proxied: boolean;
}

interface TransferStats {
  /** Best bytes/second over the rounds. */
  best: number;
  /** Median CPU time per transfer, ms: this process (client and origin) and the proxy process. */
  localCpuMs: number;
  proxyCpuMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/**
 * Best bytes/second of each transfer over RUNS rounds, and the CPU time each process spent on it;
 * the rounds interleave the variants so a busy machine's load falls on all of them alike.
 */
async function measureTransfers(proxy: ProxyProcess, variants: Transfer[]): Promise<TransferStats[]> {
  const best = variants.map(() => 0);
  const localCpu = variants.map((): number[] => []);
  const proxyCpu = variants.map((): number[] => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, variant] of variants.entries()) {
      const proxyBefore = variant.proxied ? await proxy.cpuMicros() : 0;
      const cpuBefore = process.cpuUsage();
      const t0 = performance.now();
      const bytes = await variant.once();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const proxyAfter = variant.proxied ? await proxy.cpuMicros() : 0;
      if (bytes !== TOTAL_BYTES) throw new Error(`short transfer: ${bytes}`);
      best[k] = Math.max(best[k] ?? 0, bytes / seconds);
      localCpu[k]?.push((cpu.user + cpu.system) / 1000);
      proxyCpu[k]?.push((proxyAfter - proxyBefore) / 1000);
    }
  }
  return variants.map((_, k) => ({
    best: best[k] ?? 0,
    localCpuMs: median(localCpu[k] ?? []),
    proxyCpuMs: median(proxyCpu[k] ?? []),
  }));
}

/**
 * Median time to a usable connection for each opener, over CONNECTS rounds that interleave the
 * openers (one connection each per round, closed before the next), after SETUP_WARMUP rounds: the
 * steady state of a long-running proxy, not its first connections while the JIT is still cold (with
 * 20 warm-up rounds the medians came out ~25% higher).
 */
async function medianSetupMs(openers: Array<() => Promise<net.Socket>>): Promise<number[]> {
  for (let i = 0; i < SETUP_WARMUP; i++) for (const open of openers) (await open()).destroy();
  const times = openers.map((): number[] => []);
  for (let i = 0; i < CONNECTS; i++) {
    for (const [k, open] of openers.entries()) {
      const t0 = performance.now();
      const socket = await open();
      times[k]?.push(performance.now() - t0);
      socket.destroy();
    }
  }
  return times.map((t) => median(t));
}

// Figures go to the runner's table (harness `record`) instead of being printed here.
const MiB = 1024 * 1024;
const rate = (label: string, bytesPerSecond: number) =>
  record(label, bytesPerSecond / MiB, { unit: "MiB/s", digits: 0 });
const ratio = (label: string, proxied: number, direct: number) =>
  record(label, (proxied / direct) * 100, { unit: "%", digits: 0, goal: { op: ">=", value: 80 } });
const micros = (label: string, ms: number) => record(label, ms * 1000, { unit: "µs", digits: 0 });
const cpuMs = (label: string, ms: number) => record(label, ms, { unit: "ms", digits: 1 });

const benchmark: Benchmark = {
  name: "network-proxy",
  async run() {
    const raw = net.createServer(blast);
    const rawPort = await listen(raw);
    // Connection setup is timed against an origin that sends nothing: with `raw`, every timed
    // connect would also start a 64 MiB transfer that the proxied paths relay (and pay for) until
    // the client's close reaches them, which is not setup work.
    const silent = net.createServer((s) => {
      s.on("error", () => s.destroy());
      s.resume();
    });
    const silentPort = await listen(silent);
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
      const [direct, connect, socks] = await measureTransfers(proxy, [
        { proxied: false, once: async () => drain(await connected(rawPort)) },
        {
          proxied: true,
          once: async () => {
            const s = await viaConnect(httpProxy, rawPort);
            const n = drain(s);
            s.resume();
            return n;
          },
        },
        {
          proxied: true,
          once: async () => {
            const s = await viaSocks(socksProxy, rawPort);
            const n = drain(s);
            s.resume();
            return n;
          },
        },
      ]);
      if (!direct || !connect || !socks) throw new Error("missing transfer stats");
      note(
        `proxy in its own process (startNetworkProxy, domain allowlist); ${TOTAL_BYTES / MiB} MiB per transfer from a loopback origin; each sample is the best of ${RUNS} interleaved rounds; CPU time per transfer is the median over the rounds (process.cpuUsage of each process: user + system, all threads); connection setup is the median of ${CONNECTS} rounds (after ${SETUP_WARMUP} warm-up rounds) that interleave direct, CONNECT and SOCKS5 connects to an origin that sends nothing`,
      );
      rate(`TCP download ${TOTAL_BYTES / MiB} MiB, direct`, direct.best);
      rate("  through CONNECT tunnel", connect.best);
      rate("  through SOCKS5", socks.best);
      ratio("  CONNECT / direct", connect.best, direct.best);
      ratio("  SOCKS5 / direct", socks.best, direct.best);

      const [httpDirect, httpProxied] = await measureTransfers(proxy, [
        { proxied: false, once: () => httpDownload(webPort, undefined) },
        { proxied: true, once: () => httpDownload(webPort, httpProxy) },
      ]);
      if (!httpDirect || !httpProxied) throw new Error("missing transfer stats");
      rate(`HTTP GET ${TOTAL_BYTES / MiB} MiB, direct`, httpDirect.best);
      rate("  through the HTTP proxy (absolute-form)", httpProxied.best);
      ratio("  HTTP proxy / direct", httpProxied.best, httpDirect.best);

      cpuMs(`CPU per ${TOTAL_BYTES / MiB} MiB, client + origin process, TCP direct`, direct.localCpuMs);
      cpuMs("  proxy process, CONNECT tunnel", connect.proxyCpuMs);
      cpuMs("  proxy process, SOCKS5", socks.proxyCpuMs);
      cpuMs("  proxy process, HTTP absolute-form", httpProxied.proxyCpuMs);

      const [directMs = 0, connectMs = 0, socksMs = 0] = await medianSetupMs([
        () => connected(silentPort),
        () => viaConnect(httpProxy, silentPort),
        () => viaSocks(socksProxy, silentPort),
      ]);
      micros("connection setup, direct", directMs);
      micros("  CONNECT tunnel (added)", connectMs - directMs);
      micros("  SOCKS5 (added)", socksMs - directMs);
    } finally {
      await proxy.stop();
      raw.close();
      silent.close();
      web.closeAllConnections();
      web.close();
    }
  },
};
export default benchmark;
