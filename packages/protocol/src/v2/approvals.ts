import type { ReviewDecision } from "../core/policy.js";
import type { CommandExecutionApprovalDecision, FileChangeApprovalDecision } from "./server-requests.js";

/**
 * Conversions between the core `ReviewDecision` (snake_case, what core sessions consume) and the
 * v2 approval decisions (camelCase, what app-server clients answer with).
 */

export function commandDecisionToReviewDecision(decision: CommandExecutionApprovalDecision): ReviewDecision {
  if (typeof decision === "string") {
    switch (decision) {
      case "accept":
        return "approved";
      case "acceptForSession":
        return "approved_for_session";
      case "decline":
        return "denied";
      case "cancel":
        return "abort";
    }
  }
  if ("acceptWithExecpolicyAmendment" in decision) {
    return {
      approved_execpolicy_amendment: {
        proposed_execpolicy_amendment: decision.acceptWithExecpolicyAmendment.execpolicy_amendment,
      },
    };
  }
  return {
    network_policy_amendment: {
      network_policy_amendment: decision.applyNetworkPolicyAmendment.network_policy_amendment,
    },
  };
}

/** `timed_out` has no v2 counterpart; it reads as `decline` (the command did not run). */
export function reviewDecisionToCommandDecision(decision: ReviewDecision): CommandExecutionApprovalDecision {
  if (typeof decision === "string") {
    switch (decision) {
      case "approved":
        return "accept";
      case "approved_for_session":
        return "acceptForSession";
      case "denied":
      case "timed_out":
        return "decline";
      case "abort":
        return "cancel";
    }
  }
  if ("approved_execpolicy_amendment" in decision) {
    return {
      acceptWithExecpolicyAmendment: {
        execpolicy_amendment: decision.approved_execpolicy_amendment.proposed_execpolicy_amendment,
      },
    };
  }
  return {
    applyNetworkPolicyAmendment: {
      network_policy_amendment: decision.network_policy_amendment.network_policy_amendment,
    },
  };
}

export function fileChangeDecisionToReviewDecision(decision: FileChangeApprovalDecision): ReviewDecision {
  return commandDecisionToReviewDecision(decision);
}

/** Amendment decisions have no file-change counterpart: they read as a plain `accept`. */
export function reviewDecisionToFileChangeDecision(decision: ReviewDecision): FileChangeApprovalDecision {
  const mapped = reviewDecisionToCommandDecision(decision);
  return typeof mapped === "string" ? mapped : "accept";
}
