import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * Proxy-only networking on Linux. The sandbox gets its own network namespace (`--unshare-net`),
 * so the host's loopback proxy is unreachable from inside. Two small relays close that gap:
 *
 *   host:    unix socket  <dir>/proxy.sock  →  TCP proxy host:port      (this process, shared)
 *   sandbox: TCP 127.0.0.1:port (inside the namespace)  →  unix socket    (node, wraps the command)
 *
 * The command then sees the proxy at the same `127.0.0.1:port` and nothing else.
 */

const hostBridges = new Map<string, Promise<string>>();
const running: { server: net.Server; dir: string }[] = [];

/** Stop every host relay and remove its directory (tests, shutdown). */
export async function closeHostBridges(): Promise<void> {
  hostBridges.clear();
  const all = running.splice(0);
  await Promise.all(
    all.map(
      ({ server, dir }) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          fs.rmSync(dir, { recursive: true, force: true });
        }),
    ),
  );
}

/** Start (once per proxy address) the host-side unix-socket relay; resolves to its directory. */
export function ensureHostBridge(proxy: { host: string; port: number }): Promise<string> {
  const key = `${proxy.host}:${proxy.port}`;
  let bridge = hostBridges.get(key);
  if (!bridge) {
    bridge = startHostBridge(proxy);
    hostBridges.set(key, bridge);
    bridge.catch(() => hostBridges.delete(key));
  }
  return bridge;
}

function startHostBridge(proxy: { host: string; port: number }): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "codex-ts-proxy-"));
  const socketPath = path.join(dir, "proxy.sock");
  const server = net.createServer((inbound) => {
    const upstream = net.connect(proxy.port, proxy.host);
    inbound.pipe(upstream);
    upstream.pipe(inbound);
    inbound.on("error", () => upstream.destroy());
    upstream.on("error", () => inbound.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.unref();
      running.push({ server, dir });
      process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
      resolve(dir);
    });
  });
}

export function hostBridgeSocket(dir: string): string {
  return path.join(dir, "proxy.sock");
}

/**
 * Runs inside the sandbox as `node -e SCRIPT -- <socket> <port> <cmd…>`: listen on
 * 127.0.0.1:<port>, relay each connection to <socket>, run the command, exit as it exits.
 */
export const INNER_BRIDGE_SCRIPT = `const net = require("net");
const { spawn } = require("child_process");
const [sock, port, ...cmd] = process.argv.slice(1);
const server = net.createServer((c) => {
  const u = net.connect(sock);
  c.pipe(u); u.pipe(c);
  c.on("error", () => u.destroy()); u.on("error", () => c.destroy());
});
server.on("error", (e) => { console.error("codex-ts sandbox proxy bridge: " + e.message); process.exit(125); });
server.listen(Number(port), "127.0.0.1", () => {
  server.unref();
  const child = spawn(cmd[0], cmd.slice(1), { stdio: "inherit" });
  const forward = (s) => child.kill(s);
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, forward);
  child.on("error", (e) => { console.error(cmd[0] + ": " + e.message); process.exit(127); });
  child.on("exit", (code, signal) => {
    if (signal) { for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.off(s, forward); process.kill(process.pid, signal); }
    else process.exit(code === null ? 1 : code);
  });
});`;
