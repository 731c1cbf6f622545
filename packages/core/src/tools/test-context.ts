/** Helpers for this directory's tests: a real ToolContext over a temp dir, recording events. */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type AskForApproval, CoreSandboxPolicy, type CoreSandboxPolicyInput } from "@codex-ts/protocol";
import type {
  ApprovalRequest,
  CommandRunner,
  ReviewDecision,
  ToolCall,
  ToolContext,
  ToolEvent,
} from "./types.js";

export interface TestContext {
  ctx: ToolContext;
  dir: string;
  events: ToolEvent[];
  approvals: ApprovalRequest[];
  abort: AbortController;
  cleanup(): void;
}

export function makeTempDir(): string {
  return realpathSync(mkdtempSync(path.join(tmpdir(), "codex-ts-tools-")));
}

export function makeContext(
  options: {
    dir?: string;
    approvalPolicy?: AskForApproval;
    sandboxPolicy?: CoreSandboxPolicyInput;
    decide?: (req: ApprovalRequest) => ReviewDecision | Promise<ReviewDecision>;
    runner?: CommandRunner;
    planMode?: boolean;
  } = {},
): TestContext {
  const dir = options.dir ?? makeTempDir();
  const events: ToolEvent[] = [];
  const approvals: ApprovalRequest[] = [];
  const abort = new AbortController();
  const noRunner: CommandRunner = {
    spawn: async () => ({ ok: false, kind: "spawn_failed", error: "no runner in this test" }),
  };
  const ctx: ToolContext = {
    threadId: "thread-1",
    turnId: "turn-1",
    cwd: dir,
    sandboxPolicy: CoreSandboxPolicy.parse(options.sandboxPolicy ?? { type: "workspace-write" }),
    approvalPolicy: options.approvalPolicy ?? "on-request",
    signal: abort.signal,
    emit: (e) => events.push(e),
    requestApproval: async (req) => {
      approvals.push(req);
      return options.decide ? options.decide(req) : "denied";
    },
    runner: options.runner ?? noRunner,
    planMode: options.planMode ?? false,
    approvedForSession: new Set(),
  };
  return {
    ctx,
    dir,
    events,
    approvals,
    abort,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function fnCall(name: string, args: unknown, callId = "call-1"): ToolCall {
  return { callId, name, payload: { type: "function", arguments: JSON.stringify(args) } };
}

export function customCall(name: string, input: string, callId = "call-1"): ToolCall {
  return { callId, name, payload: { type: "custom", input } };
}

/** Resolve once `predicate` holds, polling (tests wait for conditions, not fixed sleeps). */
export async function waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
