/**
 * The TUI's actions: every one is a v2 request through the `AppClient`; every update arrives as
 * a v2 notification and goes through the reducer. No rendering here.
 */
import type { v2 } from "@codex-ts/protocol";
import { VERSION } from "../version.js";
import type { AppClient, ServerRequestAnswer } from "./client.js";
import { type Attachment, composerInput } from "./state/attachments.js";
import { formDismissed } from "./state/form.js";
import { filePathInsert, type MentionEntry, mentionedSkills, type SkillInfo } from "./state/mentions.js";
import type { Store } from "./state/store.js";
import type { Action, NewCell, PendingRequest, SessionInfo, TuiState } from "./state/types.js";

export type ThreadChoice =
  | { kind: "new" }
  | { kind: "resume"; threadId: string }
  | { kind: "fork"; threadId: string };

export interface ThreadSettings {
  model?: string;
  sandbox?: v2.SandboxMode;
  approvalPolicy?: v2.AskForApproval;
  /** `-c key=value` overrides, dotted keys. */
  config?: Record<string, unknown>;
}

export interface ControllerOptions {
  cwd: string;
  settings: ThreadSettings;
  /** Called when the user quits. */
  exit: () => void;
  /** Prompt recall: earlier prompts, oldest first (appended to as the user submits). */
  history?: string[];
  /** Where submitted prompts are also recorded (e.g. history.jsonl); settable later. */
  recordPrompt?: (threadId: string, text: string) => void;
  /** The environment the TUI runs in (the clipboard tools' PATH and display); default process.env. */
  env?: NodeJS.ProcessEnv;
}

type Resolver = (answer: ServerRequestAnswer) => void;

export class Controller {
  readonly history: string[];
  readonly #resolvers = new Map<string | number, Resolver>();
  #markReady: () => void = () => {};
  /** Resolves once the first thread is open (input typed before waits for it). */
  readonly ready = new Promise<void>((resolve) => {
    this.#markReady = resolve;
  });
  #skills: Promise<SkillInfo[]> | undefined;
  /** Ctrl-C / Esc came after `turn/start` was sent but before its turn id was known. */
  #interruptWanted = false;
  /** The id `turn/start` answered for the latest prompt. */
  #requestedTurnId: string | null = null;
  /** Whether the user picked a collaboration mode (then every turn names it). */
  #modeChosen = false;
  /** Settings changed by /model or /permissions, sent with every following turn. */
  #turnOverrides: Partial<Pick<v2.TurnStartParams, "model" | "approvalPolicy" | "sandboxPolicy">> = {};

  constructor(
    readonly client: AppClient,
    readonly store: Store<TuiState, Action>,
    private readonly options: ControllerOptions,
  ) {
    this.history = options.history ?? [];
    client.onNotification((notification) => {
      if (notification.method === "serverRequest/resolved")
        this.#resolvers.delete(notification.params.requestId);
      store.dispatch({ type: "notification", notification });
    });
    client.onServerRequest((request) => this.#onServerRequest(request));
  }

  /** Earlier sessions' prompts (oldest first) for recall, and where new ones are recorded. */
  adoptHistory(entries: readonly string[], record: (threadId: string, text: string) => void): void {
    this.history.unshift(...entries);
    this.options.recordPrompt = record;
  }

  /** The folder the TUI works in. */
  get cwd(): string {
    return this.options.cwd;
  }

  /** The environment the TUI runs in. */
  get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  get state(): TuiState {
    return this.store.getState();
  }

  cell(cell: NewCell): void {
    this.store.dispatch({ type: "cell", cell });
  }

  /** Starts, resumes or forks the thread the TUI shows. Errors become error cells and rethrow. */
  async openThread(choice: ThreadChoice, extra: ThreadSettings = {}): Promise<void> {
    const settings = { ...this.options.settings, ...extra };
    const common = {
      cwd: this.options.cwd,
      ...(settings.model ? { model: settings.model } : {}),
      ...(settings.sandbox ? { sandbox: settings.sandbox } : {}),
      ...(settings.approvalPolicy ? { approvalPolicy: settings.approvalPolicy } : {}),
      ...(settings.config && Object.keys(settings.config).length > 0 ? { config: settings.config } : {}),
    };
    let response: v2.ThreadStartResponse;
    let history: v2.Turn[] | undefined;
    if (choice.kind === "new") {
      response = await this.client.request("thread/start", {
        ...common,
        threadSource: "cli",
      } as v2.ThreadStartParams);
    } else if (choice.kind === "resume") {
      const resumed = await this.client.request("thread/resume", {
        ...common,
        threadId: choice.threadId,
      } as v2.ThreadResumeParams);
      response = resumed;
      history = resumed.thread.turns;
    } else {
      response = await this.client.request("thread/fork", {
        ...common,
        threadId: choice.threadId,
      } as v2.ThreadForkParams);
      history = response.thread.turns;
    }
    this.#turnOverrides = {};
    this.store.dispatch({
      type: "session",
      session: sessionInfo(response),
      version: VERSION,
      ...(history ? { history } : {}),
    });
    this.#markReady();
  }

  /** /model, /permissions: the following turns use these settings (turn/start overrides). */
  async reopenWith(patch: ThreadSettings): Promise<void> {
    const update: Partial<SessionInfo> = {};
    if (patch.model) {
      this.#turnOverrides.model = patch.model;
      update.model = patch.model;
    }
    if (patch.approvalPolicy) {
      this.#turnOverrides.approvalPolicy = patch.approvalPolicy;
      update.approvalPolicy = String(patch.approvalPolicy);
    }
    if (patch.sandbox) {
      this.#turnOverrides.sandboxPolicy = sandboxPolicyFor(patch.sandbox);
      update.sandbox = patch.sandbox;
    }
    this.store.dispatch({ type: "sessionUpdate", patch: update });
    const described = Object.entries(update)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    this.cell({ kind: "info", text: `Following turns use ${described}.` });
  }

  /** Opens the picker over this folder's threads (newest first); picking resumes or forks one. */
  async openPicker(mode: "resume" | "fork" = "resume"): Promise<void> {
    const listed = await this.client.request("thread/list", {
      limit: 100,
      sortKey: "updated_at",
      sortDirection: "desc",
      cwd: this.options.cwd,
    });
    this.store.dispatch({ type: "picker", picker: { threads: listed.data, mode } });
  }

  closePicker(): void {
    this.store.dispatch({ type: "picker", picker: null });
  }

  /** The picker's choice: resume or fork it (errors become an error cell). */
  async pick(threadId: string): Promise<void> {
    const mode = this.state.picker?.mode ?? "resume";
    try {
      await this.openThread({ kind: mode, threadId });
    } catch (error) {
      this.cell({ kind: "error", text: errorText(error) });
    }
  }

  /**
   * Sends a prompt: a new turn, or input for the running one (as Codex steers). Attachments
   * (images, collapsed pastes) and `$skill` mentions become their own inputs.
   */
  async sendPrompt(text: string, attachments: readonly Attachment[] = []): Promise<void> {
    const session = this.state.session;
    if (!session || (text.trim() === "" && attachments.length === 0)) return;
    this.history.push(text);
    this.options.recordPrompt?.(session.threadId, text);
    const skills = /(^|\s)\$\w/.test(text) ? mentionedSkills(text, await this.skills()) : [];
    const input: v2.UserInput[] = [
      ...composerInput(text, attachments),
      ...skills.map((s): v2.UserInput => ({ type: "skill", name: s.name, path: s.path })),
    ];
    const running = this.state.turn?.id;
    if (running) {
      try {
        await this.client.request("turn/steer", {
          threadId: session.threadId,
          expectedTurnId: running,
          input,
        } as v2.TurnSteerParams);
        return;
      } catch {
        // The turn ended meanwhile: the prompt starts the next one.
      }
    }
    this.#interruptWanted = false;
    this.#requestedTurnId = null;
    this.store.dispatch({ type: "turnRequested", at: Date.now() });
    let started: v2.TurnStartResponse;
    try {
      started = await this.client.request("turn/start", {
        threadId: session.threadId,
        input,
        ...this.#turnOverrides,
        ...(this.#modeChosen ? { collaborationMode: this.#collaborationMode(session) } : {}),
      } as v2.TurnStartParams);
    } catch (error) {
      this.store.dispatch({ type: "turnRequestFailed", message: errorText(error) });
      return;
    }
    this.#requestedTurnId = started.turn.id;
    // Interrupted before the server said which turn started: interrupt it now.
    if (this.#interruptWanted) await this.#interruptTurn(session.threadId, started.turn.id);
  }

  /** Shift+Tab: Default ⇄ Plan, for the following turns. */
  cycleMode(): void {
    this.#modeChosen = true;
    this.store.dispatch({ type: "mode", mode: this.state.mode === "plan" ? "default" : "plan" });
  }

  #collaborationMode(session: SessionInfo): v2.CollaborationMode {
    return {
      mode: this.state.mode,
      settings: {
        model: session.model,
        reasoning_effort: session.reasoningEffort as v2.CollaborationMode["settings"]["reasoning_effort"],
        developer_instructions: null,
      },
    };
  }

  /** `@` popup: files under the working folder matching `query` (the app-server's fuzzy search). */
  async searchFiles(query: string): Promise<MentionEntry[]> {
    const found = await this.client.request("fuzzyFileSearch", { query, roots: [this.options.cwd] });
    return found.files.map((f) => ({ label: f.path, insert: filePathInsert(f.path) }));
  }

  /** `$` popup: the enabled skills for the working folder (listed once per session). */
  skills(): Promise<SkillInfo[]> {
    this.#skills ??= this.client
      .request("skills/list", { cwds: [this.options.cwd] })
      .then((listed) =>
        listed.data.flatMap((entry) =>
          entry.skills
            .filter((s) => s.enabled)
            .map((s) => ({ name: s.name, description: s.shortDescription ?? s.description, path: s.path })),
        ),
      )
      .catch(() => {
        this.#skills = undefined;
        return [];
      });
    return this.#skills;
  }

  /** Interrupts the running turn, if any. */
  async interrupt(): Promise<void> {
    const { session, turn } = this.state;
    if (!session || !turn) return;
    // Waiting approvals are cancelled with the turn.
    for (const pending of this.state.pending) this.answer(pending, cancelAnswer(pending));
    // The turn/start answer can name the turn before its turn/started notification arrives.
    const turnId = turn.id ?? this.#requestedTurnId;
    if (!turnId) {
      this.#interruptWanted = true;
      return;
    }
    await this.#interruptTurn(session.threadId, turnId);
  }

  async #interruptTurn(threadId: string, turnId: string): Promise<void> {
    this.#interruptWanted = false;
    try {
      await this.client.request("turn/interrupt", { threadId, turnId });
    } catch (error) {
      this.cell({ kind: "error", text: errorText(error) });
    }
  }

  /** Answers the approval overlay's request. */
  answer(pending: PendingRequest, result: unknown): void {
    const resolve = this.#resolvers.get(pending.requestId);
    this.#resolvers.delete(pending.requestId);
    this.store.dispatch({ type: "requestAnswered", requestId: pending.requestId });
    resolve?.({ result });
  }

  quit(): void {
    this.options.exit();
  }

  #onServerRequest(request: v2.ServerRequest): Promise<ServerRequestAnswer> {
    let pending: PendingRequest;
    switch (request.method) {
      case "item/commandExecution/requestApproval":
        pending = { kind: "command", requestId: request.id, params: request.params };
        break;
      case "item/fileChange/requestApproval": {
        const item = this.state.live.find((i) => i.id === request.params.itemId);
        const changes = item?.type === "fileChange" ? item.changes : [];
        pending = { kind: "fileChange", requestId: request.id, params: request.params, changes };
        break;
      }
      case "item/permissions/requestApproval":
        pending = { kind: "permissions", requestId: request.id, params: request.params };
        break;
      case "mcpServer/elicitation/request":
        pending = { kind: "elicitation", requestId: request.id, params: request.params };
        break;
      case "item/tool/requestUserInput":
        pending = { kind: "userInput", requestId: request.id, params: request.params };
        break;
      default:
        return Promise.resolve({
          error: { code: -32601, message: `${request.method} is not supported by the codex-ts TUI yet` },
        });
    }
    return new Promise((resolve) => {
      this.#resolvers.set(request.id, resolve);
      this.store.dispatch({ type: "serverRequest", request: pending });
    });
  }
}

/** The answer that cancels a request (Esc / Ctrl-C on the overlay, or an interrupt). */
export function cancelAnswer(pending: PendingRequest): unknown {
  if (pending.kind === "permissions") return { permissions: {}, scope: "turn" };
  if (pending.kind === "userInput" || pending.kind === "elicitation") return formDismissed(pending);
  return { decision: "cancel" };
}

export function sessionInfo(response: v2.ThreadStartResponse): SessionInfo {
  return {
    threadId: response.thread.id,
    model: response.model,
    reasoningEffort: response.reasoningEffort,
    cwd: response.cwd,
    approvalPolicy: typeof response.approvalPolicy === "string" ? response.approvalPolicy : "granular",
    sandbox: sandboxLabel(response.sandbox),
  };
}

function sandboxPolicyFor(mode: v2.SandboxMode): v2.SandboxPolicy {
  switch (mode) {
    case "danger-full-access":
      return { type: "dangerFullAccess" };
    case "read-only":
      return { type: "readOnly", networkAccess: false };
    case "workspace-write":
      return {
        type: "workspaceWrite",
        writableRoots: [],
        networkAccess: false,
        excludeTmpdirEnvVar: false,
        excludeSlashTmp: false,
      };
  }
}

function sandboxLabel(policy: v2.SandboxPolicy): string {
  switch (policy.type) {
    case "dangerFullAccess":
      return "danger-full-access";
    case "readOnly":
      return "read-only";
    case "workspaceWrite":
      return "workspace-write";
    default:
      return policy.type;
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
