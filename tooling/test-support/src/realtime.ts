// A fake Realtime API server for tests: a websocket endpoint on 127.0.0.1 that records every
// connection (path, query, lower-cased headers) and every client message, answers
// `session.update` with `session.updated`, and replies to client messages as scripted. The
// websocket implementation is passed in (`WebSocketServer` from `ws`), so this package needs none.

/** The parts of `ws`'s WebSocket the fake uses. */
export interface RealtimeSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: "message", listener: (data: { toString(): string }) => void): unknown;
  on(event: "close", listener: () => void): unknown;
}

/** The parts of `ws`'s WebSocketServer the fake uses (pass `WebSocketServer` from "ws"). */
export interface RealtimeServerLike {
  on(
    event: "connection",
    listener: (
      socket: RealtimeSocketLike,
      request: { url?: string; headers: Record<string, string | string[] | undefined> },
    ) => void,
  ): unknown;
  on(event: "listening", listener: () => void): unknown;
  address(): unknown;
  close(callback?: () => void): void;
  clients?: Set<RealtimeSocketLike>;
}
export type RealtimeServerClass = new (options: { host: string; port: number }) => RealtimeServerLike;

export interface RealtimeConnectionRecord {
  /** Path and query, e.g. `/v1/realtime?model=gpt-realtime-1.5`. */
  url: string;
  headers: Record<string, string>;
  /** Client messages, parsed (a message that is not JSON is kept as `{ raw }`). */
  messages: Array<Record<string, unknown>>;
  closed: boolean;
}

/** Server events to send back for a client message (by its `type`), or nothing. */
export type RealtimeReply = (
  message: Record<string, unknown>,
  connection: RealtimeConnectionRecord,
) => Array<Record<string, unknown>> | undefined;

export interface FakeRealtimeServer {
  /** `ws://127.0.0.1:<port>` (use it as `experimental_realtime_ws_base_url`). */
  url: string;
  connections: RealtimeConnectionRecord[];
  /** Sends events to the latest connection. */
  send(...events: Array<Record<string, unknown>>): void;
  /** Resolves once the latest connection has received `n` messages (or rejects after `timeoutMs`). */
  waitForMessages(n: number, timeoutMs?: number): Promise<Array<Record<string, unknown>>>;
  /** Closes the latest connection from the server side. */
  drop(): void;
  close(): Promise<void>;
}

/** Starts the fake on an ephemeral port; `reply` adds scripted answers to client messages. */
export async function startFakeRealtimeServer(options: {
  WebSocketServer: RealtimeServerClass;
  reply?: RealtimeReply;
  sessionId?: string;
}): Promise<FakeRealtimeServer> {
  const server = new options.WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.on("listening", () => resolve()));
  const port = (server.address() as { port: number }).port;
  const connections: RealtimeConnectionRecord[] = [];
  const sockets: RealtimeSocketLike[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  server.on("connection", (socket, request) => {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    const record: RealtimeConnectionRecord = { url: request.url ?? "", headers, messages: [], closed: false };
    connections.push(record);
    sockets.push(socket);
    socket.on("message", (data) => {
      const text = data.toString();
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(text) as Record<string, unknown>;
      } catch {
        message = { raw: text };
      }
      record.messages.push(message);
      const replies: Array<Record<string, unknown>> = [];
      if (message.type === "session.update")
        replies.push({
          type: "session.updated",
          session: { id: options.sessionId ?? "sess_fake", type: "realtime" },
        });
      replies.push(...(options.reply?.(message, record) ?? []));
      for (const reply of replies) socket.send(JSON.stringify(reply));
      wake();
    });
    socket.on("close", () => {
      record.closed = true;
      wake();
    });
    wake();
  });
  const latest = () => {
    const socket = sockets[sockets.length - 1];
    if (!socket) throw new Error("no realtime connection yet");
    return socket;
  };
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    send: (...events) => {
      const socket = latest();
      for (const event of events) socket.send(JSON.stringify(event));
    },
    waitForMessages: (n, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const messages = connections[connections.length - 1]?.messages ?? [];
          if (messages.length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `the realtime server got ${connections[connections.length - 1]?.messages.length ?? 0} of ${n} messages`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    drop: () => latest().close(1011, "server going away"),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.close();
        server.close(() => resolve());
      }),
  };
}
