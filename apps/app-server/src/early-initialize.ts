/**
 * The stdio server's front: answers the client's `initialize` before the server bundle has loaded.
 *
 * An IDE spawns the app-server and sends `initialize` at once; loading and evaluating the server
 * (its whole module graph) is most of the wait. This front, which needs only node builtins and
 * `handshake.ts`, reads the first line from stdin; when it is an `initialize` request in the
 * common shape (`commonInitializeParams`), it writes the very response the server would write.
 * The server then starts on streams that replay everything read so far (the `initialize` line
 * included, so the connection is initialized through its normal path) followed by the rest of
 * stdin, and whose output drops the server's own answer to that request. Anything else (another
 * first message, unusual params, nothing within `waitMs`) is left to the server untouched.
 */
import { PassThrough, type Readable, Writable } from "node:stream";
import { commonInitializeParams, initializeResult } from "./handshake.js";

export interface EarlyStreams {
  /** What the server reads: the bytes read so far, then the rest of `stdin`. */
  input: Readable;
  /** What the server writes to: `stdout`, minus its answer to an `initialize` already answered. */
  output: Writable;
  /** Whether `initialize` was answered here. */
  answered: boolean;
}

/** The first line's `initialize` request id, when this front can answer it; else undefined. */
function answerable(
  line: string,
): { id: number | string; clientInfo: { name: string; version: string } } | undefined {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof message !== "object" || message === null) return undefined;
  const { id, method, params, ...rest } = message as Record<string, unknown>;
  if (method !== "initialize" || (typeof id !== "number" && typeof id !== "string")) return undefined;
  if (Object.keys(rest).some((key) => key !== "jsonrpc")) return undefined;
  const clientInfo = commonInitializeParams(params);
  return clientInfo ? { id, clientInfo } : undefined;
}

/** Reads until the first newline, the end of `stdin` or `waitMs`; resolves with what was read. */
function firstLine(stdin: Readable, waitMs: number): Promise<{ chunks: Buffer[]; ended: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = (ended: boolean) => {
      clearTimeout(timer);
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      stdin.pause();
      resolve({ chunks, ended });
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      chunks.push(buffer);
      if (buffer.includes(10)) done(false);
    };
    const onEnd = () => done(true);
    const timer = setTimeout(() => done(false), waitMs);
    stdin.on("data", onData);
    stdin.once("end", onEnd);
  });
}

/** A Writable to `stdout` that drops the first line when it is the response to request `id`. */
function dropFirstResponse(stdout: Writable, id: number | string): Writable {
  let pending: string | undefined = "";
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
      if (pending === undefined) {
        stdout.write(text, (error) => callback(error ?? null));
        return;
      }
      pending += text;
      const newline = pending.indexOf("\n");
      if (newline < 0) {
        callback();
        return;
      }
      const first = pending.slice(0, newline);
      const after = pending.slice(newline + 1);
      pending = undefined;
      let drop = false;
      try {
        const message = JSON.parse(first) as { id?: unknown; result?: unknown };
        drop = message.id === id && message.result !== undefined;
      } catch {
        // not a protocol line: forward it
      }
      const forward = (drop ? "" : `${first}\n`) + after;
      if (forward === "") callback();
      else stdout.write(forward, (error) => callback(error ?? null));
    },
  });
  stdout.on("error", (error) => output.destroy(error));
  return output;
}

/**
 * Answers `initialize` early when it can (see the module comment); `codexHome` is the directory
 * the server will report. Resolves with the streams to serve on.
 */
export async function answerInitializeEarly(
  stdin: Readable,
  stdout: Writable,
  codexHome: string,
  waitMs = 200,
): Promise<EarlyStreams> {
  const { chunks, ended } = await firstLine(stdin, waitMs);
  const read = Buffer.concat(chunks);
  const newline = read.indexOf(10);
  const request =
    newline < 0 ? undefined : answerable(read.subarray(0, newline).toString("utf8").replace(/\r$/, ""));
  const input = new PassThrough();
  if (read.length > 0) input.write(read);
  if (ended) input.end();
  else stdin.pipe(input);
  if (!request) return { input, output: stdout, answered: false };
  stdout.write(
    `${JSON.stringify({ id: request.id, result: initializeResult(request.clientInfo, codexHome) })}\n`,
  );
  return { input, output: dropFirstResponse(stdout, request.id), answered: true };
}
