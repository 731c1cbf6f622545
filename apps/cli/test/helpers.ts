import { PassThrough } from "node:stream";
import { type CliIO, runCli } from "@codex-ts/cli";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams; `stdin` undefined means an interactive terminal. */
export async function runInProcess(
  argv: string[],
  options: { stdin?: string; cwd?: string; env?: NodeJS.ProcessEnv; stderrIsTTY?: boolean; stdoutIsTTY?: boolean } = {},
): Promise<RunResult> {
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (options.stdin === undefined) stdin.isTTY = true;
  else stdin.end(options.stdin);
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (options.stdoutIsTTY) stdout.isTTY = true;
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (options.stderrIsTTY) stderr.isTTY = true;
  let out = "";
  let err = "";
  stdout.on("data", (c) => {
    out += c;
  });
  stderr.on("data", (c) => {
    err += c;
  });
  const io: CliIO = { stdin, stdout, stderr, env: options.env ?? {}, cwd: options.cwd ?? process.cwd() };
  const code = await runCli(argv, io);
  return { code, stdout: out, stderr: err };
}
