// Approvals and permission grants: requests to the client (a handler, else an event answered by
// an op), what is pending, what was approved or granted for the session or the turn.
import {
  AdditionalPermissionProfile,
  type EventMsg,
  intersectAdditionalPermissions,
  mergeAdditionalPermissions,
  type ReviewDecision as WireReviewDecision,
} from "@codex-ts/protocol";
import {
  type ApprovalRequest,
  isEmptyPermissions,
  PERMISSIONS_DENIED_MESSAGE,
  type PermissionsGrant,
  type PermissionsOutcome,
  type PermissionsRequest,
  type ReviewDecision,
} from "../tools/index.js";
import type { SessionState } from "./state.js";
import { coreFileChanges } from "./tool-events.js";

interface PendingApproval {
  resolve: (decision: ReviewDecision) => void;
  turnId: string;
  /** Pass the client's decision on unchanged (network approvals need their amendments). */
  raw: boolean;
}

/** A wire decision as tools understand it (network amendments collapse to approved/denied). */
function toToolDecision(decision: WireReviewDecision): ReviewDecision {
  if (typeof decision === "string") return decision === "timed_out" ? "denied" : decision;
  if ("approved_execpolicy_amendment" in decision) return decision;
  return decision.network_policy_amendment.network_policy_amendment.action === "allow"
    ? "approved"
    : "denied";
}

export class Approvals {
  private readonly pending = new Map<string, PendingApproval>();
  /** Permissions requests waiting for a `request_permissions_response` op, by call id. */
  private readonly pendingPermissions = new Map<string, (grant: PermissionsGrant) => void>();
  /** Commands / patches approved for the rest of the session (shared with the tools). */
  readonly approvedForSession = new Set<string>();
  /** Granted additional permissions: for every later turn, and for the current turn only. */
  private sessionGrants: AdditionalPermissionProfile | null = null;
  private turnGrants: { turnId: string; grants: AdditionalPermissionProfile } | undefined;

  constructor(private readonly s: SessionState) {}

  /** An `exec_approval` / `patch_approval` op. False when nothing is pending under that id. */
  answer(id: string, decision: WireReviewDecision): boolean {
    const pending = this.pending.get(id);
    if (!pending) return false;
    this.pending.delete(id);
    pending.resolve(pending.raw ? decision : toToolDecision(decision));
    return true;
  }

  /** A `request_permissions_response` op. False when nothing is pending under that call id. */
  answerPermissions(callId: string, grant: PermissionsGrant): boolean {
    const resolve = this.pendingPermissions.get(callId);
    if (!resolve) return false;
    this.pendingPermissions.delete(callId);
    resolve(grant);
    return true;
  }

  /** Interrupt: every pending approval resolves `abort`, every permissions request as denied. */
  abortAll(): void {
    for (const pending of [...this.pending.values()]) pending.resolve("abort");
    this.pending.clear();
    for (const resolve of [...this.pendingPermissions.values()]) resolve({ permissions: null });
    this.pendingPermissions.clear();
  }

  /** Session grants plus this turn's grants, or null when nothing was granted. */
  granted(turnId: string): AdditionalPermissionProfile | null {
    const turn = this.turnGrants?.turnId === turnId ? this.turnGrants.grants : null;
    if (!this.sessionGrants && !turn) return null;
    return mergeAdditionalPermissions(this.sessionGrants, turn);
  }

  /** Ask the client to approve a command or a patch. `raw`: the decision is passed on unchanged. */
  request(
    subId: string,
    turnId: string,
    request: ApprovalRequest,
    signal: AbortSignal,
    raw = false,
  ): Promise<ReviewDecision> {
    if (signal.aborted) return Promise.resolve("abort");
    const id = request.kind === "exec" ? request.approvalId : request.callId;
    return new Promise<ReviewDecision>((resolve) => {
      let settled = false;
      const settle = (decision: ReviewDecision) => {
        if (settled) return;
        settled = true;
        this.pending.delete(id);
        this.pending.delete(request.callId);
        resolve(decision);
      };
      this.pending.set(id, { resolve: settle, turnId, raw });
      // An exec approval may be answered by its approval id or its call id.
      if (request.kind === "exec" && request.callId !== id)
        this.pending.set(request.callId, { resolve: settle, turnId, raw });
      if (this.s.options.approvalHandler) {
        this.s.options.approvalHandler(request).then(settle, () => settle("denied"));
        return;
      }
      this.s.emit(subId, approvalRequestEvent(turnId, request));
    });
  }

  /**
   * Ask the client (handler, else event + op) for additional permissions; keep only what was
   * requested, remember it for its scope, and tell the tool what was granted.
   */
  async requestPermissions(
    subId: string,
    turnId: string,
    request: PermissionsRequest,
    signal: AbortSignal,
  ): Promise<PermissionsOutcome> {
    // `never`, or a granular policy without `request_permissions`: nobody is asked and nothing is
    // granted; the model gets the empty grant, as real Codex 0.169 answers.
    const policy = this.s.settingsState.approvalPolicy;
    if (policy === "never" || (typeof policy === "object" && !policy.granular.request_permissions)) {
      return { ok: true, granted: { network: null, file_system: null }, scope: "turn" };
    }
    if (signal.aborted) return { ok: false, message: PERMISSIONS_DENIED_MESSAGE };
    const grant = await new Promise<PermissionsGrant>((resolve) => {
      let settled = false;
      const settle = (g: PermissionsGrant) => {
        if (settled) return;
        settled = true;
        this.pendingPermissions.delete(request.callId);
        resolve(g);
      };
      this.pendingPermissions.set(request.callId, settle);
      if (this.s.options.permissionsHandler) {
        this.s.options.permissionsHandler(request).then(settle, () => settle({ permissions: null }));
        return;
      }
      const msg: EventMsg = {
        type: "request_permissions",
        call_id: request.callId,
        turn_id: turnId,
        permissions: request.permissions,
        cwd: request.cwd,
      };
      if (request.reason) msg.reason = request.reason;
      this.s.emit(subId, msg);
    });
    // The handler is client code: validate what it returned.
    const parsed = grant.permissions ? AdditionalPermissionProfile.safeParse(grant.permissions) : undefined;
    if (parsed && !parsed.success) {
      this.s.emit(subId, {
        type: "warning",
        message: "the permissions grant was invalid and was treated as denied",
      });
      return { ok: false, message: PERMISSIONS_DENIED_MESSAGE };
    }
    const granted = parsed
      ? intersectAdditionalPermissions(request.permissions, parsed.data, request.cwd)
      : null;
    if (!granted || isEmptyPermissions(granted)) return { ok: false, message: PERMISSIONS_DENIED_MESSAGE };
    const scope = grant.scope === "session" ? "session" : "turn";
    if (scope === "session") this.sessionGrants = mergeAdditionalPermissions(this.sessionGrants, granted);
    else {
      const current = this.turnGrants?.turnId === turnId ? this.turnGrants.grants : null;
      this.turnGrants = { turnId, grants: mergeAdditionalPermissions(current, granted) };
    }
    return { ok: true, granted, scope };
  }
}

/** `exec_approval_request` / `apply_patch_approval_request` for a request no handler answers. */
function approvalRequestEvent(turnId: string, request: ApprovalRequest): EventMsg {
  if (request.kind === "exec") {
    const msg: EventMsg = {
      type: "exec_approval_request",
      call_id: request.callId,
      approval_id: request.approvalId,
      turn_id: turnId,
      command: request.command,
      cwd: request.cwd,
      available_decisions: request.availableDecisions,
      parsed_cmd: [],
    };
    if (request.reason) msg.reason = request.reason;
    if (request.networkApprovalContext) msg.network_approval_context = request.networkApprovalContext;
    if (request.proposedExecpolicyAmendment)
      msg.proposed_execpolicy_amendment = request.proposedExecpolicyAmendment;
    if (request.proposedNetworkPolicyAmendments)
      msg.proposed_network_policy_amendments = request.proposedNetworkPolicyAmendments;
    if (request.additionalPermissions) msg.additional_permissions = request.additionalPermissions;
    return msg;
  }
  const changes = coreFileChanges(request.changes);
  const msg: EventMsg = {
    type: "apply_patch_approval_request",
    call_id: request.callId,
    turn_id: turnId,
    changes,
  };
  if (request.reason) msg.reason = request.reason;
  if (request.grantRoot) msg.grant_root = request.grantRoot;
  return msg;
}
