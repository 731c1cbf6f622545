/**
 * Channels: how JSON-RPC message texts travel between a client and the server, knowing nothing of
 * JSON-RPC itself. One `JsonRpcConnection` class serves every channel: newline-delimited stdio,
 * WebSocket text frames (TCP or a unix socket) and an in-process pair.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { errorMessage } from "./errors.js";
import type { Logger } from "./log.js";

export interface ChannelHandlers {
  /** One whole message (a JSON text, unparsed). */
  message(text: string): void;
  /** The peer went away; called once, after the last `message`. */
  close(): void;
}

export interface Channel {
  /** Starts delivering messages; called once. */
  start(handlers: ChannelHandlers): void;
  /** Sends one message; a no-op once the channel is closed or broken. */
  send(text: string): void;
  /** Resolves once everything sent so far has been handed to the OS (or the peer). */
  flush(): Promise<void>;
  /** Closes our side (the peer sees its end; `close` handlers run). */
  close(): void;
}

/** Newline-delimited messages over a pair of byte streams (stdio, a pipe). */
export function streamChannel(input: Readable, output: Writable, log: Logger): Channel {
  let broken = false;
  output.on("error", (error) => {
    // A client that went away (EPIPE) must not crash the server.
    broken = true;
    log.warn(`output stream error: ${errorMessage(error)}`);
  });
  input.on("error", (error) => log.warn(`input stream error: ${errorMessage(error)}`));
  let lines: ReturnType<typeof createInterface> | undefined;
  const usable = () => !broken && !output.writableEnded && !output.destroyed;
  return {
    start(handlers) {
      lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
      lines.on("line", (line) => handlers.message(line));
      lines.on("close", () => handlers.close());
    },
    send(text) {
      if (usable()) output.write(`${text}\n`);
    },
    flush() {
      if (!usable()) return Promise.resolve();
      return new Promise((resolve) => output.write("", () => resolve()));
    },
    close() {
      lines?.close();
    },
  };
}

/** The client's end of an in-process channel. */
export interface ClientChannel {
  /** Sends one JSON-RPC message (an object) to the server. */
  send(message: object): void;
  /** Registers a listener for every message the server sends; returns an unsubscribe function. */
  onMessage(listener: (message: Record<string, unknown>) => void): () => void;
  /** Registers a listener for the end of the connection. */
  onClose(listener: () => void): void;
  /** Disconnects (the server treats it like EOF on stdin). */
  close(): void;
}

/**
 * Two linked ends in one process: `server` is a Channel; `client` sends and receives objects.
 * Messages are serialized on the way (as on any wire), so neither side can alias the other's
 * objects, and are delivered asynchronously in order.
 */
export function createChannelPair(): { server: Channel; client: ClientChannel } {
  let serverHandlers: ChannelHandlers | undefined;
  const early: string[] = [];
  const listeners = new Set<(message: Record<string, unknown>) => void>();
  const closeListeners = new Set<() => void>();
  let closed = false;
  const closeBoth = () => {
    if (closed) return;
    closed = true;
    queueMicrotask(() => {
      serverHandlers?.close();
      for (const listener of closeListeners) listener();
    });
  };
  const server: Channel = {
    start(handlers) {
      serverHandlers = handlers;
      for (const text of early.splice(0)) queueMicrotask(() => handlers.message(text));
    },
    send(text) {
      if (closed) return;
      queueMicrotask(() => {
        const message = JSON.parse(text) as Record<string, unknown>;
        for (const listener of listeners) listener(message);
      });
    },
    flush: () => new Promise((resolve) => setImmediate(resolve)),
    close: closeBoth,
  };
  const client: ClientChannel = {
    send(message) {
      if (closed) throw new Error("the in-process app-server connection is closed");
      const text = JSON.stringify(message);
      if (!serverHandlers) early.push(text);
      else queueMicrotask(() => serverHandlers?.message(text));
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
    },
    close: closeBoth,
  };
  return { server, client };
}
