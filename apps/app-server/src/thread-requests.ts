/**
 * The core callbacks that become server requests to the thread's clients: command and file-change
 * approvals, permission requests, dynamic tool calls and user input (plan mode). Each answer is
 * read with the protocol's schemas; a missing or malformed answer is the safe choice (abort, deny,
 * a failed tool call, no answers).
 */
import type {
  ApprovalRequest,
  DynamicToolRequest,
  DynamicToolResponse,
  PermissionsGrant,
  PermissionsRequest,
  ReviewDecision,
  UserInputRequest,
  UserInputResponse,
} from "@codex-ts/core";
import { additionalPermissionsFromV2, additionalPermissionsToV2, networkApprovalContextToV2, v2 } from "@codex-ts/protocol";
import { shellJoin } from "@codex-ts/rollout";
import { parseCommandActions } from "./command-actions.js";
import type { Logger } from "./log.js";
import type { ServerRequestOutcome } from "./transport.js";

/** What the callbacks need from their thread. */
export interface RequestPort {
  readonly id: string;
  readonly log: Logger;
  /** Sends a server request for the active turn ("tool" requests do not flag the thread as waiting). */
  ask(kind: "approval" | "userInput" | "tool", method: string, params: unknown): Promise<ServerRequestOutcome>;
  /** A `warning` notification for the thread (and the log). */
  warn(message: string): void;
}

export function clientCallbacks(port: RequestPort) {
  const approvalHandler = async (request: ApprovalRequest): Promise<ReviewDecision> => {
    const startedAtMs = Date.now();
    if (request.kind === "exec") {
      const params = {
        kind: "command",
        threadId: port.id,
        turnId: request.turnId,
        itemId: request.callId,
        approvalId: request.approvalId,
        startedAtMs,
        // Codex runs every command in its one local environment.
        environmentId: "local",
        command: shellJoin(request.command),
        commandActions: parseCommandActions(request.command),
        cwd: request.cwd,
        reason: request.reason ?? null,
        networkApprovalContext: request.networkApprovalContext ? networkApprovalContextToV2(request.networkApprovalContext) : null,
        proposedExecpolicyAmendment: request.proposedExecpolicyAmendment ?? null,
        proposedNetworkPolicyAmendments: request.proposedNetworkPolicyAmendments ?? null,
        ...(request.additionalPermissions ? { additionalPermissions: additionalPermissionsToV2(request.additionalPermissions) } : {}),
        availableDecisions: request.availableDecisions.map((d) => v2.reviewDecisionToCommandDecision(d)),
      };
      const outcome = await port.ask("approval", "item/commandExecution/requestApproval", params);
      if (outcome.kind !== "result") return "abort";
      const parsed = v2.CommandExecutionRequestApprovalResponse.safeParse(outcome.result);
      if (!parsed.success) {
        port.log.warn(`thread ${port.id}: invalid approval response; treating it as cancel`);
        return "abort";
      }
      return v2.commandDecisionToReviewDecision(parsed.data.decision);
    }
    const params = {
      threadId: port.id,
      turnId: request.turnId,
      itemId: request.callId,
      startedAtMs,
      reason: request.reason ?? null,
      grantRoot: request.grantRoot ?? null,
    };
    const outcome = await port.ask("approval", "item/fileChange/requestApproval", params);
    if (outcome.kind !== "result") return "abort";
    const parsed = v2.FileChangeRequestApprovalResponse.safeParse(outcome.result);
    if (!parsed.success) return "abort";
    return v2.fileChangeDecisionToReviewDecision(parsed.data.decision);
  };

  /**
   * `request_permissions` (and inline `with_additional_permissions`): the client answers with the
   * granted subset. A malformed answer or one with relative paths is an invalid-params problem
   * (-32602): it is reported as a `warning` and treated as a denial (nothing granted).
   */
  const permissionsHandler = async (request: PermissionsRequest): Promise<PermissionsGrant> => {
    const params = {
      threadId: port.id,
      turnId: request.turnId,
      itemId: request.callId,
      startedAtMs: Date.now(),
      cwd: request.cwd,
      permissions: additionalPermissionsToV2(request.permissions),
      reason: request.reason ?? null,
      environmentId: null,
    };
    const outcome = await port.ask("approval", "item/permissions/requestApproval", params);
    if (outcome.kind !== "result") return { permissions: null };
    const raw = outcome.result as { permissions?: unknown; scope?: unknown } | null;
    if (typeof raw !== "object" || raw === null) {
      invalidPermissionsAnswer("the response must be an object");
      return { permissions: null };
    }
    const converted = additionalPermissionsFromV2(raw.permissions ?? {});
    if (!converted.ok) {
      invalidPermissionsAnswer(converted.error);
      return { permissions: null };
    }
    return { permissions: converted.permissions, scope: raw.scope === "session" ? "session" : "turn" };
  };

  const invalidPermissionsAnswer = (problem: string): void => {
    port.warn(`Invalid params (-32602) in the item/permissions/requestApproval response: ${problem}; nothing was granted`);
  };

  const dynamicToolHandler = async (request: DynamicToolRequest): Promise<DynamicToolResponse> => {
    const params = {
      threadId: port.id,
      turnId: request.turnId,
      callId: request.callId,
      namespace: null,
      tool: request.tool,
      arguments: request.arguments ?? null,
    };
    const outcome = await port.ask("tool", "item/tool/call", params);
    const failure = (text: string): DynamicToolResponse => ({ contentItems: [{ type: "inputText", text }], success: false });
    if (outcome.kind === "closed") return failure("the dynamic tool call was cancelled");
    if (outcome.kind === "error") return failure(`the client failed the tool call: ${outcome.error.message}`);
    const parsed = v2.DynamicToolCallResponse.safeParse(outcome.result);
    if (!parsed.success) return failure("the client answered the tool call with an invalid response");
    const contentItems: DynamicToolResponse["contentItems"] = [];
    for (const item of parsed.data.contentItems) {
      if (item.type === "inputText") contentItems.push({ type: "inputText", text: item.text });
      else if (item.type === "inputImage") contentItems.push({ type: "inputImage", imageUrl: item.imageUrl });
    }
    return { contentItems, success: parsed.data.success };
  };

  const userInputHandler = async (request: UserInputRequest): Promise<UserInputResponse> => {
    const params = {
      threadId: port.id,
      turnId: request.turnId,
      itemId: request.callId,
      isBlocking: true,
      autoResolutionMs: null,
      questions: request.questions.map((q) => ({
        id: q.id,
        header: q.header,
        question: q.question,
        isOther: q.isOther ?? true,
        isSecret: false,
        options: q.options ?? null,
      })),
    };
    const outcome = await port.ask("userInput", "item/tool/requestUserInput", params);
    if (outcome.kind !== "result") return { answers: {} };
    const parsed = v2.ToolRequestUserInputResponse.safeParse(outcome.result);
    return parsed.success ? { answers: parsed.data.answers } : { answers: {} };
  };
  return { approvalHandler, permissionsHandler, dynamicToolHandler, userInputHandler };
}
