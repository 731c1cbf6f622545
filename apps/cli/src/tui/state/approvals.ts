/**
 * The buttons of the approval overlay, built from the request's `availableDecisions` in the order
 * the server gives them (the classic accept / decline / cancel set when it names none). Pure.
 */
import type { v2 } from "@codex-ts/protocol";
import { displayCommand } from "../format.js";
import type { PendingRequest } from "./types.js";

export interface ApprovalOption {
  label: string;
  /** A single key that picks this option. */
  shortcut: string;
  /** The response sent for the server request. */
  result: unknown;
}

const CLASSIC: v2.CommandExecutionApprovalDecision[] = ["accept", "decline", "cancel"];

export function approvalOptions(pending: PendingRequest): ApprovalOption[] {
  switch (pending.kind) {
    case "command":
      return (pending.params.availableDecisions ?? CLASSIC).map((decision) =>
        commandOption(decision, pending.params),
      );
    case "fileChange":
      return [
        { label: "Yes, proceed", shortcut: "y", result: { decision: "accept" } },
        {
          label: "Yes, and don't ask again for these files",
          shortcut: "a",
          result: { decision: "acceptForSession" },
        },
        { label: "No, and tell Codex what to do differently", shortcut: "n", result: { decision: "cancel" } },
      ];
    case "permissions": {
      const granted = {
        fileSystem: pending.params.permissions.fileSystem ?? undefined,
        network: pending.params.permissions.network ?? undefined,
      };
      return [
        {
          label: "Yes, grant these permissions for this turn",
          shortcut: "y",
          result: { permissions: granted, scope: "turn" },
        },
        {
          label: "Yes, grant them for this session",
          shortcut: "a",
          result: { permissions: granted, scope: "session" },
        },
        { label: "No, continue without them", shortcut: "n", result: { permissions: {}, scope: "turn" } },
      ];
    }
    default:
      // Questions and MCP forms have their own overlay (FormOverlay).
      return [];
  }
}

function commandOption(
  decision: v2.CommandExecutionApprovalDecision,
  params: v2.CommandExecutionRequestApprovalParams,
): ApprovalOption {
  const result = { decision };
  const network = params.networkApprovalContext !== null;
  if (typeof decision === "string") {
    switch (decision) {
      case "accept":
        return { label: network ? "Yes, just this once" : "Yes, proceed", shortcut: "y", result };
      case "acceptForSession":
        return {
          label: network
            ? "Yes, and allow this host for this session"
            : "Yes, and don't ask again this session",
          shortcut: "a",
          result,
        };
      case "decline":
        return { label: "No, continue without running it", shortcut: "d", result };
      case "cancel":
        return { label: "No, and tell Codex what to do differently", shortcut: "n", result };
    }
  }
  if ("acceptWithExecpolicyAmendment" in decision) {
    const prefix = decision.acceptWithExecpolicyAmendment.execpolicy_amendment.join(" ");
    return {
      label: `Yes, and don't ask again for commands that start with \`${prefix}\``,
      shortcut: "p",
      result,
    };
  }
  const amendment = decision.applyNetworkPolicyAmendment.network_policy_amendment;
  return amendment.action === "allow"
    ? { label: `Yes, and allow ${amendment.host} in the future`, shortcut: "h", result }
    : { label: `No, and block ${amendment.host} in the future`, shortcut: "b", result };
}

/** The overlay's title and the lines it shows above the buttons. */
export function approvalPrompt(pending: PendingRequest): { title: string; lines: string[] } {
  switch (pending.kind) {
    case "command": {
      const p = pending.params;
      if (p.networkApprovalContext) {
        return {
          title: `Allow network access to ${p.networkApprovalContext.host}?`,
          lines: p.command ? [`$ ${displayCommand(p.command)}`] : [],
        };
      }
      const lines = [`$ ${p.command ? displayCommand(p.command) : "(command)"}`];
      if (p.reason) lines.push(p.reason);
      return { title: "Would you like to run the following command?", lines };
    }
    case "fileChange":
      return {
        title: "Would you like to make the following edits?",
        lines: pending.params.reason ? [pending.params.reason] : [],
      };
    case "permissions": {
      const fs = pending.params.permissions.fileSystem;
      const lines = [
        ...(fs?.write ?? []).map((p) => `write ${p}`),
        ...(fs?.read ?? []).map((p) => `read ${p}`),
        // The entries form (what current servers send): an access mode per path, glob or special root.
        ...(fs?.entries ?? []).map((e) => `${e.access} ${entryPath(e.path)}`),
        ...(pending.params.permissions.network?.enabled ? ["network access"] : []),
      ];
      if (pending.params.reason) lines.push(pending.params.reason);
      return { title: "Would you like to grant these permissions?", lines };
    }
    default:
      return { title: "", lines: [] };
  }
}

function entryPath(path: v2.FileSystemSandboxEntry["path"]): string {
  switch (path.type) {
    case "path":
      return path.path;
    case "glob_pattern":
      return path.pattern;
    case "special":
      return typeof path.value === "object" && path.value && "kind" in path.value
        ? String(path.value.kind)
        : "special";
  }
}
