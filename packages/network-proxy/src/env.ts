import type { SocketAddress } from "./proxy.js";

/** Hosts that never go through the proxy (the command's own loopback). */
export const DEFAULT_NO_PROXY = "localhost,127.0.0.1,::1";

function hostPort(a: SocketAddress): string {
  return a.host.includes(":") ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/**
 * The variables a command needs to use the proxy, upper and lower case: HTTP(S)_PROXY → the HTTP
 * proxy, ALL_PROXY → the SOCKS5 proxy (`socks5h://`, names resolved by the proxy), NO_PROXY.
 */
export function proxyEnvironment(proxy: {
  httpAddress: SocketAddress;
  socksAddress?: SocketAddress;
}): Record<string, string> {
  const http = `http://${hostPort(proxy.httpAddress)}`;
  const all = proxy.socksAddress ? `socks5h://${hostPort(proxy.socksAddress)}` : http;
  const env: Record<string, string> = {};
  for (const [k, v] of [
    ["HTTP_PROXY", http],
    ["HTTPS_PROXY", http],
    ["ALL_PROXY", all],
    ["NO_PROXY", DEFAULT_NO_PROXY],
  ] as const) {
    env[k] = v;
    env[k.toLowerCase()] = v;
  }
  return env;
}
