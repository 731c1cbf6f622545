import type { v2 } from "@codex-ts/protocol";
import type { BackgroundCommand } from "./background.js";

/** What the status line and /status show about the running thread. */
export interface SessionInfo {
  threadId: string;
  model: string;
  reasoningEffort: string | null;
  cwd: string;
  approvalPolicy: string;
  sandbox: string;
}

/**
 * One finished block of the transcript. Finished cells are written once into the terminal's own
 * scrollback (Ink `<Static>`) and never redrawn.
 */
export type Cell =
  | { kind: "header"; id: string; session: SessionInfo; version: string }
  | { kind: "item"; id: string; item: v2.ThreadItem; turnId?: string }
  | {
      kind: "plan";
      id: string;
      explanation: string | null;
      plan: v2.ServerNotificationParams<"turn/plan/updated">["plan"];
    }
  | { kind: "info"; id: string; text: string }
  /** The rule under a finished turn ("Worked for 3.2s"). */
  | { kind: "separator"; id: string; text: string }
  | { kind: "warning"; id: string; text: string }
  | { kind: "error"; id: string; text: string }
  | { kind: "lines"; id: string; title: string; lines: string[] };

/** A server request waiting for the user (the first one is shown as an overlay). */
export type PendingRequest =
  | { kind: "command"; requestId: string | number; params: v2.CommandExecutionRequestApprovalParams }
  | {
      kind: "fileChange";
      requestId: string | number;
      params: v2.FileChangeRequestApprovalParams;
      changes: v2.FileUpdateChange[];
    }
  | { kind: "permissions"; requestId: string | number; params: v2.PermissionsRequestApprovalParams }
  | { kind: "userInput"; requestId: string | number; params: v2.ToolRequestUserInputParams }
  | { kind: "elicitation"; requestId: string | number; params: v2.McpServerElicitationRequestParams };

/** What the /hooks browser shows (`hooks/list` for the working folder). */
export interface HooksView {
  hooks: v2.HookMetadata[];
  warnings: string[];
  errors: string[];
}

/** Default or Plan (Shift+Tab cycles), sent with each turn once chosen. */
export type ModeKind = "default" | "plan";

export interface TuiState {
  session: SessionInfo | null;
  cells: Cell[];
  /** Items started but not completed, in start order (redrawn as they stream). */
  live: v2.ThreadItem[];
  /** The running turn; `pending` between `turn/start` sent and `turn/started` received. */
  turn: { id: string | null; startedAt: number } | null;
  pending: PendingRequest[];
  tokenUsage: v2.ThreadTokenUsage | null;
  /** The latest `turn/diff/updated` (for /diff). */
  diff: string | null;
  /** Ctrl-C pressed once on an idle composer: the next one quits. */
  quitArmed: boolean;
  /** Esc pressed once on an idle, empty composer: the next one edits a previous message. */
  backtrackArmed: boolean;
  mode: ModeKind;
  /** The latest rate limits (`account/rateLimits/updated`, or read for /status). */
  rateLimits: v2.RateLimitSnapshot | null;
  /** The /hooks browser, when open. */
  hooks: HooksView | null;
  /** The resume picker, when open: the threads it lists (newest first). */
  picker: { threads: v2.Thread[]; mode: "resume" | "fork" } | null;
  /** Commands still running in the background (status line summary, /ps). */
  background: readonly BackgroundCommand[];
  nextId: number;
}

export const initialState: TuiState = {
  session: null,
  cells: [],
  live: [],
  turn: null,
  pending: [],
  tokenUsage: null,
  diff: null,
  quitArmed: false,
  backtrackArmed: false,
  mode: "default",
  rateLimits: null,
  hooks: null,
  picker: null,
  background: [],
  nextId: 1,
};

export type Action =
  | { type: "session"; session: SessionInfo; version: string; history?: v2.Turn[] }
  | { type: "notification"; notification: v2.ServerNotification }
  | { type: "serverRequest"; request: PendingRequest }
  | { type: "requestAnswered"; requestId: string | number }
  | { type: "turnRequested"; at: number }
  | { type: "turnRequestFailed"; message: string }
  | { type: "cell"; cell: DistributiveOmit<Cell, "id"> }
  | { type: "quitArmed"; armed: boolean }
  | { type: "backtrackArmed"; armed: boolean }
  | { type: "mode"; mode: ModeKind }
  | { type: "hooks"; hooks: HooksView | null }
  | { type: "rateLimits"; rateLimits: v2.RateLimitSnapshot | null }
  /** The thread was rolled back to before `turnId`: its cells and later ones are gone from the thread. */
  | { type: "reverted"; turnId: string; text: string }
  | { type: "sessionUpdate"; patch: Partial<SessionInfo> }
  | { type: "picker"; picker: { threads: v2.Thread[]; mode: "resume" | "fork" } | null };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewCell = DistributiveOmit<Cell, "id">;
