import { runNetworkProxyCommand } from "@codex-ts/network-proxy";
import type { CliIO } from "../io.js";

/** `codex-ts network-proxy …`: the network-proxy package implements the subcommand itself. */
export async function runNetworkProxySubcommand(argv: readonly string[], io: CliIO): Promise<number> {
  return runNetworkProxyCommand([...argv], { stdout: io.stdout, stderr: io.stderr, ...(io.signal ? { signal: io.signal } : {}) });
}
