import { runSandboxCommand } from "@codex-ts/sandboxing";
import type { GlobalOverrides } from "../cli.js";
import type { CliIO } from "../io.js";

/** `codex-ts sandbox linux|macos …`: the sandboxing package implements the subcommand itself. */
export async function runSandboxSubcommand(argv: readonly string[], io: CliIO, _globals: GlobalOverrides): Promise<number> {
  return runSandboxCommand([...argv], { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, env: io.env, cwd: io.cwd });
}
