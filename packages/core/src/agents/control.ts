// The agent control plane of one session tree: which agents exist, their status, the limits
// (depth, open agents), nicknames, and waiting for final statuses.
import type { Session } from "../session/session.js";
import type { SessionEvent } from "../session/events.js";
import type { AgentsConfig } from "./config.js";
import { type AgentStatus, isFinal } from "./status.js";

const NICKNAMES = [
  "Ada",
  "Boole",
  "Curie",
  "Darwin",
  "Euler",
  "Faraday",
  "Gauss",
  "Hopper",
  "Ibn Sina",
  "Jemison",
  "Kepler",
  "Lovelace",
  "Meitner",
  "Noether",
  "Ostrom",
  "Pascal",
  "Ramanujan",
  "Shannon",
  "Turing",
  "Volta",
];

/** One sub-agent as its parent's tools see it. */
export interface AgentRecord {
  id: string;
  nickname: string;
  agentType: string;
  depth: number;
  parentId: string;
  session: Session;
  status: AgentStatus;
  /** Closed by `close_agent` (or with its parent); `resume_agent` may reopen it. */
  closed: boolean;
  /** The history when it was closed (for `resume_agent`). */
  history?: ReturnType<Session["history"]>;
}

export class AgentControl {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly listeners = new Set<(record: AgentRecord) => void>();
  private nicknameCounter = 0;

  constructor(
    readonly config: AgentsConfig,
    /** The root thread of the tree. */
    readonly rootId: string,
  ) {}

  get(id: string): AgentRecord | undefined {
    return this.agents.get(id);
  }

  /** Depth of a thread in this tree (the root is 0). */
  depthOf(threadId: string): number {
    return this.agents.get(threadId)?.depth ?? 0;
  }

  /** Agents not closed. */
  openCount(): number {
    let n = 0;
    for (const a of this.agents.values()) if (!a.closed) n++;
    return n;
  }

  children(parentId: string): AgentRecord[] {
    return [...this.agents.values()].filter((a) => a.parentId === parentId);
  }

  nextNickname(): string {
    const used = new Set([...this.agents.values()].map((a) => a.nickname));
    for (const name of NICKNAMES) if (!used.has(name)) return name;
    return `Agent ${++this.nicknameCounter}`;
  }

  /** Track a new (or resumed) agent's status from its events. */
  register(record: AgentRecord): void {
    this.agents.set(record.id, record);
    this.watch(record);
  }

  /** Replace the session of a resumed agent. */
  reopen(record: AgentRecord, session: Session): void {
    record.session = session;
    record.closed = false;
    record.status = "pending_init";
    this.watch(record);
  }

  /** Close an agent and every open descendant: their history is kept for `resume_agent`. */
  async close(record: AgentRecord): Promise<void> {
    const closing = [record];
    for (let i = 0; i < closing.length; i++)
      closing.push(...this.children(closing[i]!.id).filter((c) => !c.closed));
    for (const r of closing) {
      r.closed = true;
      r.history = r.session.history();
    }
    // A child's shutdown shuts its own children down too.
    await record.session.shutdown();
  }

  /** Called whenever an agent's status changes. */
  onStatus(listener: (record: AgentRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolve once any of `ids` has a final status (or the timeout / signal ends the wait).
   * Returns the final statuses by id (empty on timeout).
   */
  async waitAny(
    ids: string[],
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<{ status: Record<string, AgentStatus>; timedOut: boolean }> {
    const finals = () => {
      const status: Record<string, AgentStatus> = {};
      for (const id of ids) {
        const record = this.agents.get(id);
        const s = record ? record.status : "not_found";
        if (isFinal(s)) status[id] = s;
      }
      return status;
    };
    const now = finals();
    if (Object.keys(now).length > 0) return { status: now, timedOut: false };
    return new Promise((resolve) => {
      const done = (timedOut: boolean) => {
        clearTimeout(timer);
        off();
        signal.removeEventListener("abort", onAbort);
        resolve({ status: timedOut ? {} : finals(), timedOut });
      };
      const onAbort = () => done(true);
      const timer = setTimeout(() => done(true), timeoutMs);
      const off = this.onStatus((record) => {
        if (ids.includes(record.id) && isFinal(record.status)) done(false);
      });
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private watch(record: AgentRecord): void {
    const session = record.session;
    let turnError: string | null = null;
    const set = (status: AgentStatus) => {
      if (record.session !== session) return; // a resumed agent's old session
      record.status = status;
      for (const listener of [...this.listeners]) listener(record);
    };
    session.subscribe((event: SessionEvent) => {
      const msg = event.msg;
      switch (msg.type) {
        case "task_started":
          turnError = null;
          set("running");
          return;
        case "error":
          turnError = msg.message;
          return;
        case "task_complete":
          set(
            turnError !== null && msg.last_agent_message === null
              ? { errored: turnError }
              : { completed: msg.last_agent_message },
          );
          return;
        case "turn_aborted":
          set("interrupted");
          return;
        case "shutdown_complete":
          set("shutdown");
          return;
        default:
          return;
      }
    });
  }
}
