// The `multi_agent_v1` namespace tools (Codex 0.169's names and parameter shapes): spawn_agent,
// send_input, wait_agent, close_agent, resume_agent — handlers over one session tree's AgentControl.
import { UserInput } from "@codex-ts/protocol";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import type { ChildSessionOptions } from "../session/children.js";
import type { Session } from "../session/session.js";
import { parseArguments } from "../tools/args.js";
import { functionToolSpec } from "../tools/function-spec.js";
import type {
  JsonSchema,
  ToolCall,
  ToolContext,
  ToolHandler,
  ToolItem,
  ToolResult,
} from "../tools/index.js";
import { DEFAULT_AGENT_TYPE } from "./config.js";
import type { AgentControl, AgentRecord } from "./control.js";
import { type AgentStatus, subagentNotification } from "./status.js";

export const MULTI_AGENT_NAMESPACE = "multi_agent_v1";
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;
export const MIN_WAIT_TIMEOUT_MS = 10_000;
export const MAX_WAIT_TIMEOUT_MS = 3_600_000;

const inputItemSchema: JsonSchema = {
  type: "array",
  items: {
    type: "object",
    properties: {
      audio_url: { type: "string" },
      image_url: { type: "string" },
      name: { type: "string" },
      path: { type: "string" },
      text: { type: "string" },
      type: { type: "string", description: "text, image, local_image, skill or mention" },
    },
    additionalProperties: false,
  },
};


const Items = z.array(z.record(z.string(), z.unknown())).optional();
const SpawnArgs = z.object({
  message: z.string().optional(),
  items: Items,
  agent_type: z.string().optional(),
  fork_context: z.boolean().optional(),
  model: z.string().optional(),
  reasoning_effort: z.string().optional(),
});
const SendArgs = z.object({
  target: z.string(),
  message: z.string().optional(),
  items: Items,
  interrupt: z.boolean().optional(),
});
const WaitArgs = z.object({ targets: z.array(z.string()), timeout_ms: z.number().optional() });
const CloseArgs = z.object({ target: z.string() });
const ResumeArgs = z.object({ id: z.string() });

const fail = (output: string): ToolResult => ({ output, success: false });
const ok = (value: unknown): ToolResult => ({ output: JSON.stringify(value), success: true });

/** `message` or `items` → the child's input; an error text when neither or both or an item is invalid. */
function inputOf(args: {
  message?: string | undefined;
  items?: Record<string, unknown>[] | undefined;
}): UserInput[] | string {
  if (args.message !== undefined && args.items !== undefined)
    return "Provide either message or items, not both.";
  if (args.message !== undefined) {
    if (args.message.trim() === "") return "Empty message can't be sent to an agent.";
    return [{ type: "text", text: args.message, text_elements: [] }];
  }
  if (!args.items || args.items.length === 0) return "Provide one of: message or items.";
  const out: UserInput[] = [];
  for (const [i, raw] of args.items.entries()) {
    const parsed = UserInput.safeParse(raw);
    if (!parsed.success)
      return `items[${i}] is not a valid input item (${parsed.error.issues.map((x) => `${x.path.join(".") || "item"}: ${x.message}`).join("; ")})`;
    out.push(parsed.data);
  }
  return out;
}

type CollabFields = Omit<
  Extract<ToolItem, { type: "collab_agent_tool_call" }>,
  "type" | "id" | "senderThreadId" | "status"
>;

/** The CollabAgentToolCall item of one call: `start` it, then `done` (or `failed`, with the tool's error). */
interface CollabItem {
  start(fields: CollabFields): void;
  done(fields: Partial<CollabFields>): void;
  failed(message: string): ToolResult;
}

function collabItem(ctx: ToolContext, id: string, senderThreadId: string): CollabItem {
  let fields: CollabFields | undefined;
  let startedAt = Date.now();
  const item = (status: "in_progress" | "completed" | "failed", f: CollabFields): ToolItem => ({
    type: "collab_agent_tool_call",
    id,
    senderThreadId,
    status,
    ...f,
  });
  const finish = (status: "completed" | "failed", more: Partial<CollabFields>) => {
    if (!fields) return;
    ctx.emit({
      type: "item_completed",
      item: item(status, { ...fields, ...more }),
      completed_at_ms: Date.now(),
      started_at_ms: startedAt,
    });
  };
  return {
    start: (f) => {
      fields = f;
      startedAt = Date.now();
      ctx.emit({ type: "item_started", item: item("in_progress", f), started_at_ms: startedAt });
    },
    done: (more) => finish("completed", more),
    failed: (message) => {
      finish("failed", {});
      return fail(message);
    },
  };
}

/** The effort a spawn item shows when neither the call, the agent type nor the parent set one (Codex: the model's default). */
const DEFAULT_REASONING_EFFORT = "medium";

const stateOf = (record: AgentRecord | undefined): Record<string, AgentStatus> =>
  record ? { [record.id]: record.status } : {};
const receiver = (record: AgentRecord) => ({ threadId: record.id, nickname: record.nickname });

/** The five handlers for `parent` (one session of the tree `control` manages). */
export function multiAgentHandlers(
  parent: Session,
  control: AgentControl,
  expectChild: (id: string) => void,
): ToolHandler[] {
  const withArgs =
    <S extends z.ZodType>(
      schema: S,
      run: (args: z.output<S>, ctx: ToolContext, item: CollabItem) => Promise<ToolResult>,
    ) =>
    (call: ToolCall, ctx: ToolContext) => {
      const parsed = parseArguments(call, schema);
      return parsed.ok
        ? run(parsed.value, ctx, collabItem(ctx, call.callId, parent.threadId))
        : Promise.resolve(fail(parsed.error));
    };
  const openRecord = (id: string): AgentRecord | string => {
    const record = control.get(id);
    if (!record || record.parentId !== parent.threadId) return `agent with id ${id} not found`;
    return record;
  };
  const types = control.config.types;
  const typeNames = Object.keys(types);

  const spawn: ToolHandler = {
    namespace: MULTI_AGENT_NAMESPACE,
    spec: functionToolSpec(
      "spawn_agent",
      "Start a sub-agent on a well-scoped task; it runs in parallel with you. Returns its agent id and nickname. Omit `model` to use your own.",
      {
        fork_context: {
          type: "boolean",
          description: "true: the agent starts with a copy of this conversation",
        },
        items: inputItemSchema,
        message: { type: "string", description: "The task (use either message or items)" },
        model: { type: "string" },
        reasoning_effort: { type: "string" },
        ...(typeNames.length > 1
          ? { agent_type: { type: "string", description: `One of: ${typeNames.join(", ")}` } }
          : {}),
      },
    ),
    handle: withArgs(SpawnArgs, async (args, _ctx, item) => {
      // As Codex 0.169: before the spawn, the model asked for ("" when none) and the effort ("medium" when unset).
      item.start({
        tool: "spawn_agent",
        receivers: [],
        prompt: args.message ?? null,
        model: args.model ?? "",
        reasoningEffort: args.reasoning_effort ?? DEFAULT_REASONING_EFFORT,
        agentsStates: {},
      });
      const input = inputOf(args);
      if (typeof input === "string") return item.failed(input);
      const type = types[args.agent_type ?? DEFAULT_AGENT_TYPE];
      if (!type)
        return item.failed(`unknown agent_type '${args.agent_type}'; known types: ${typeNames.join(", ")}`);
      const depth = control.depthOf(parent.threadId) + 1;
      if (depth > control.config.maxDepth) {
        return item.failed(
          `agent depth limit reached (max_depth = ${control.config.maxDepth}); do this task yourself`,
        );
      }
      if (control.openCount() >= control.config.maxThreads) {
        return item.failed(
          `agent thread limit reached (max_threads = ${control.config.maxThreads}); close an agent you no longer need first`,
        );
      }
      const id = uuidv7();
      const options: ChildSessionOptions = { threadId: id, subagent: { agentId: id, agentType: type.name } };
      const model = args.model ?? type.model;
      if (model) options.model = model;
      const effort = args.reasoning_effort ?? type.reasoningEffort;
      if (effort) options.reasoningEffort = effort;
      if (type.instructions) options.developerInstructions = type.instructions;
      if (type.sandboxMode) options.sandboxPolicy = { type: type.sandboxMode };
      if (args.fork_context) options.initialHistory = parent.history();
      const nickname = control.nextNickname();
      options.spawn = { depth, nickname };
      expectChild(id);
      const child = parent.children.spawn(options);
      const record: AgentRecord = {
        id,
        nickname,
        agentType: type.name,
        depth,
        parentId: parent.threadId,
        session: child,
        status: "pending_init",
        closed: false,
      };
      control.register(record);
      child.submit({ type: "user_input", items: input });
      const settings = child.settings();
      item.done({
        receivers: [receiver(record)],
        agentsStates: stateOf(record),
        model: settings.model,
        reasoningEffort: settings.reasoning_effort ?? DEFAULT_REASONING_EFFORT,
      });
      return ok({ agent_id: id, nickname: record.nickname });
    }),
  };

  const sendInput: ToolHandler = {
    namespace: MULTI_AGENT_NAMESPACE,
    spec: functionToolSpec(
      "send_input",
      "Send a message to an agent you spawned. interrupt=true stops its current work and handles this message now; otherwise it is queued.",
      {
        interrupt: { type: "boolean" },
        items: inputItemSchema,
        message: { type: "string" },
        target: { type: "string", description: "Agent id" },
      },
      ["target"],
    ),
    handle: withArgs(SendArgs, async (args, _ctx, item) => {
      const found = control.get(args.target);
      item.start({
        tool: "send_input",
        receivers: found ? [receiver(found)] : [],
        prompt: args.message ?? null,
        agentsStates: {},
      });
      const record = openRecord(args.target);
      if (typeof record === "string") return item.failed(record);
      if (record.closed)
        return item.failed(`agent ${args.target} is closed; resume it with resume_agent first`);
      const input = inputOf(args);
      if (typeof input === "string") return item.failed(input);
      if (args.interrupt) record.session.submit({ type: "interrupt" });
      const submissionId = record.session.submit({ type: "user_input", items: input });
      item.done({ agentsStates: stateOf(record) });
      return ok({ submission_id: submissionId });
    }),
  };

  const wait: ToolHandler = {
    namespace: MULTI_AGENT_NAMESPACE,
    spec: functionToolSpec(
      "wait_agent",
      "Wait until at least one of the agents reaches a final status; returns the final statuses (with a completed agent's last message). Empty status when timed out.",
      {
        targets: { type: "array", items: { type: "string" } },
        timeout_ms: { type: "number", description: "Default 30000, between 10000 and 3600000" },
      },
      ["targets"],
    ),
    handle: withArgs(WaitArgs, async (args, ctx, item) => {
      const receivers = args.targets.map((id) => ({
        threadId: id,
        nickname: control.get(id)?.nickname ?? null,
      }));
      item.start({ tool: "wait", receivers, agentsStates: {} });
      if (args.targets.length === 0) return item.failed("targets must be non-empty");
      const requested = args.timeout_ms ?? DEFAULT_WAIT_TIMEOUT_MS;
      if (!Number.isFinite(requested)) return item.failed("timeout_ms must be a number of milliseconds");
      const timeout = Math.min(MAX_WAIT_TIMEOUT_MS, Math.max(MIN_WAIT_TIMEOUT_MS, Math.floor(requested)));
      const result = await control.waitAny(args.targets, timeout, ctx.signal);
      item.done({ agentsStates: result.status });
      return ok({ status: result.status, timed_out: result.timedOut });
    }),
  };

  const close: ToolHandler = {
    namespace: MULTI_AGENT_NAMESPACE,
    spec: functionToolSpec(
      "close_agent",
      "Close an agent (and the agents it opened) once you no longer need it; returns its status before closing. Open agents count toward the limit.",
      { target: { type: "string", description: "Agent id" } },
      ["target"],
    ),
    handle: withArgs(CloseArgs, async (args, _ctx, item) => {
      const found = control.get(args.target);
      item.start({ tool: "close_agent", receivers: found ? [receiver(found)] : [], agentsStates: {} });
      const record = openRecord(args.target);
      if (typeof record === "string") return item.failed(record);
      const previous = record.status;
      if (!record.closed) await control.close(record);
      item.done({ agentsStates: { [record.id]: previous } });
      return ok({ previous_status: previous });
    }),
  };

  const resume: ToolHandler = {
    namespace: MULTI_AGENT_NAMESPACE,
    spec: functionToolSpec(
      "resume_agent",
      "Reopen an agent closed with close_agent, with its conversation, so it can get send_input and wait_agent calls.",
      { id: { type: "string", description: "Agent id" } },
      ["id"],
    ),
    handle: withArgs(ResumeArgs, async (args, _ctx, item) => {
      const found = control.get(args.id);
      item.start({ tool: "resume_agent", receivers: found ? [receiver(found)] : [], agentsStates: {} });
      const record = openRecord(args.id);
      if (typeof record === "string") return item.failed(record);
      if (!record.closed) {
        item.done({ agentsStates: stateOf(record) });
        return ok({ status: record.status });
      }
      if (control.openCount() >= control.config.maxThreads) {
        return item.failed(`agent thread limit reached (max_threads = ${control.config.maxThreads})`);
      }
      const options: ChildSessionOptions = {
        threadId: record.id,
        subagent: { agentId: record.id, agentType: record.agentType },
      };
      if (record.history?.length) options.initialHistory = record.history;
      options.spawn = { depth: record.depth, nickname: record.nickname };
      expectChild(record.id);
      control.reopen(record, parent.children.spawn(options));
      item.done({ agentsStates: stateOf(record) });
      return ok({ status: record.status });
    }),
  };

  return [close, resume, sendInput, spawn, wait];
}

/** When a child of `parent` finishes, its parent's next request carries a notification. */
export function notifyParentOnFinish(parent: Session, control: AgentControl): () => void {
  return control.onStatus((record) => {
    if (record.parentId !== parent.threadId || typeof record.status === "string") return;
    parent.inject([subagentNotification(record.id, record.status)]);
  });
}
