import type { Readable, Writable } from "node:stream";

/** Everything a command touches of the outside world, so tests can run the CLI in-process. */
export interface CliIO {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM. */
  signal?: AbortSignal;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A usage error: one readable line plus a pointer to help, exit code 2. */
export function usageError(io: CliIO, message: string, command = "codex-ts"): number {
  io.stderr.write(`error: ${message}\n\nFor more information, try '${command} --help'.\n`);
  return EXIT_USAGE;
}

/** A runtime failure: one readable line, exit code 1. */
export function failure(io: CliIO, message: string): number {
  io.stderr.write(`Error: ${message}\n`);
  return EXIT_FAILURE;
}

/** Everything a stream yields until it ends, as UTF-8 text. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
