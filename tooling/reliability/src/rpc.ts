/**
 * The JSON-RPC client side shared by the suite's transports (the app-server's stdio, a WebSocket):
 * requests, waiting for responses and notifications, and the thread/turn calls the tests make.
 */
export type Message = Record<string, any>;

export abstract class Rpc {
  readonly messages: Message[] = [];
  readonly nonJsonLines: string[] = [];
  #nextId = 1;
  #waiters = new Set<() => void>();
  #byId = new Map<unknown, Message>();
  /** `turn/completed` notifications by turn id (a map: the load test waits for thousands). */
  readonly completedTurns = new Map<string, Message>();

  /** Writes one message text. */
  abstract sendRaw(text: string): void;
  /** False once no more messages can arrive. */
  abstract get alive(): boolean;
  /** Context for errors (stderr tail). */
  protected diagnostics(): string {
    return "";
  }

  /** Feeds one received message text. */
  protected receive(text: string): void {
    let m: Message;
    try {
      m = JSON.parse(text) as Message;
    } catch {
      this.nonJsonLines.push(text);
      return;
    }
    this.messages.push(m);
    if ("id" in m && !("method" in m)) this.#byId.set(m.id, m);
    if (m.method === "turn/completed" && typeof m.params?.turn?.id === "string")
      this.completedTurns.set(m.params.turn.id, m);
    this.wake();
  }

  protected wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** The response to request `id`, once it arrived. */
  responseTo(id: unknown): Message | undefined {
    return this.#byId.get(id);
  }

  waitFor(check: () => Message | undefined, what: string, timeoutMs = 30_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        const found = check();
        if (found || !this.alive) {
          clearTimeout(timer);
          this.#waiters.delete(done);
          if (found) resolve(found);
          else reject(new Error(`the server went away while waiting for ${what}; ${this.diagnostics()}`));
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(done);
        reject(new Error(`timed out waiting for ${what}; ${this.diagnostics()}`));
      }, timeoutMs);
      this.#waiters.add(done);
      done();
    });
  }

  async request(method: string, params?: unknown, timeoutMs = 30_000): Promise<Message> {
    const id = this.#nextId++;
    this.sendRaw(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
    return this.waitFor(() => this.#byId.get(id), `response to ${method}`, timeoutMs);
  }

  async call(method: string, params?: unknown, timeoutMs = 30_000): Promise<any> {
    const r = await this.request(method, params, timeoutMs);
    if (r.error) throw new Error(`${method} failed: ${JSON.stringify(r.error)}`);
    return r.result;
  }

  notification(method: string, match: (params: any) => boolean, timeoutMs = 30_000): Promise<Message> {
    return this.waitFor(
      () => this.messages.find((m) => m.method === method && !("id" in m) && match(m.params)),
      method,
      timeoutMs,
    );
  }

  async initialize(): Promise<void> {
    await this.call("initialize", {
      clientInfo: { name: "reliability", title: "reliability", version: "0.0.1" },
      capabilities: { experimentalApi: true },
    });
    this.sendRaw(JSON.stringify({ method: "initialized" }));
  }

  async startThread(cwd: string): Promise<string> {
    const r = await this.call("thread/start", { cwd });
    return r.thread.id as string;
  }

  /** Starts a turn; resolves with its id. */
  async startTurn(threadId: string, text: string): Promise<string> {
    const r = await this.call("turn/start", { threadId, input: [{ type: "text", text }] });
    return r.turn.id as string;
  }

  /** Starts a turn and waits for its `turn/completed`; returns the completed turn. */
  async runTurn(threadId: string, text: string, timeoutMs = 60_000): Promise<any> {
    const turnId = await this.startTurn(threadId, text);
    const done = await this.waitFor(
      () => this.completedTurns.get(turnId),
      `turn/completed of ${turnId}`,
      timeoutMs,
    );
    return done.params.turn;
  }
}

/** A client over a WebSocket (Node's global WebSocket). */
export class WsRpc extends Rpc {
  readonly socket: WebSocket;
  #open = false;
  #closed = false;

  private constructor(url: string) {
    super();
    this.socket = new WebSocket(url);
    this.socket.addEventListener("message", (e) => this.receive(String(e.data)));
    this.socket.addEventListener("close", () => {
      this.#closed = true;
      this.wake();
    });
  }

  static connect(url: string): Promise<WsRpc> {
    const client = new WsRpc(url);
    return new Promise((resolve, reject) => {
      client.socket.addEventListener("open", () => {
        client.#open = true;
        resolve(client);
      });
      client.socket.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)));
    });
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  get alive(): boolean {
    return this.#open && !this.#closed;
  }

  close(): void {
    this.socket.close();
  }
}
