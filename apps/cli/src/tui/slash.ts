/**
 * Slash commands: the popup's list and what each one does. Each runs through v2 requests on the
 * controller; a command whose backend this app-server lacks says so in the transcript.
 */
import type { v2 } from "@codex-ts/protocol";
import type { Controller } from "./controller.js";
import { errorText } from "./controller.js";
import { openHooks } from "./hooks-browser.js";
import type { Attachment } from "./state/attachments.js";
import { backgroundLines } from "./state/background.js";
import { statusLines } from "./status.js";

export interface SlashCommand {
  name: string;
  description: string;
  /** False when the app-server has no method for it yet. */
  available: boolean;
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: "model", description: "choose what model to use (/model NAME)", available: true },
  { name: "permissions", description: "choose what Codex is allowed to do", available: true },
  { name: "new", description: "start a new chat during a conversation", available: true },
  { name: "resume", description: "resume a saved chat", available: true },
  { name: "fork", description: "fork the current chat", available: true },
  { name: "diff", description: "show git diff (including untracked files)", available: true },
  { name: "status", description: "show current session configuration and token usage", available: true },
  {
    name: "compact",
    description: "summarize conversation to prevent hitting the context limit",
    available: true,
  },
  { name: "review", description: "review my current changes and find issues", available: true },
  { name: "mcp", description: "list configured MCP tools", available: true },
  { name: "hooks", description: "view and manage lifecycle hooks", available: true },
  { name: "skills", description: "list skills", available: true },
  { name: "goal", description: "set or show the thread goal", available: true },
  { name: "init", description: "create an AGENTS.md file with instructions for Codex", available: true },
  { name: "mention", description: "mention a file", available: true },
  { name: "ps", description: "list background terminals", available: true },
  { name: "logout", description: "log out of Codex", available: true },
  { name: "quit", description: "exit Codex", available: true },
];

/** Commands matching what is typed after `/` (prefix first, then substring). */
export function matchSlashCommands(text: string): SlashCommand[] {
  if (!text.startsWith("/") || /\s/.test(text)) return [];
  const query = text.slice(1).toLowerCase();
  const prefix = SLASH_COMMANDS.filter((c) => c.name.startsWith(query));
  const inner = SLASH_COMMANDS.filter((c) => !c.name.startsWith(query) && c.name.includes(query));
  return [...prefix, ...inner];
}

/** `"/model gpt-5"` → `{ name: "model", args: "gpt-5" }`; null when not a known command. */
export function parseSlash(text: string): { name: string; args: string } | null {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(text.trim());
  if (!match) return null;
  const name = match[1]!;
  if (name !== "exit" && !SLASH_COMMANDS.some((c) => c.name === name)) return null;
  return { name, args: match[2]!.trim() };
}

const INIT_PROMPT =
  "Generate a file named AGENTS.md that serves as a contributor guide for this repository. Look at the repository's structure, build and test commands, and coding conventions, and write concise, practical instructions for working in it.";

/** Commands that make sense before a thread is open (the rest wait for it). */
const WITHOUT_SESSION = new Set(["quit", "exit", "resume", "new"]);

/**
 * What Enter does with the composer's text: a slash command, or a prompt. Text submitted while
 * the thread is still opening waits for it, in order.
 */
export async function submitText(
  controller: Controller,
  text: string,
  attachments: readonly Attachment[] = [],
): Promise<void> {
  const slash = parseSlash(text);
  if (!controller.state.session && !(slash && WITHOUT_SESSION.has(slash.name))) await controller.ready;
  if (slash) await runSlash(controller, slash.name, slash.args);
  else await controller.sendPrompt(text, attachments);
}

/** Runs one slash command. The composer is already cleared. */
export async function runSlash(controller: Controller, name: string, args: string): Promise<void> {
  const session = controller.state.session;
  try {
    switch (name) {
      case "quit":
      case "exit":
        controller.quit();
        return;
      case "new":
        await controller.openThread({ kind: "new" });
        return;
      case "fork":
        if (session) await controller.openThread({ kind: "fork", threadId: session.threadId });
        return;
      case "status":
        await statusCommand(controller);
        return;
      case "review":
        await reviewCommand(controller, args);
        return;
      case "mcp":
        await mcpCommand(controller);
        return;
      case "logout":
        await controller.client.request("account/logout", undefined);
        controller.cell({ kind: "info", text: "Logged out." });
        controller.quit();
        return;
      case "diff": {
        const diff = controller.state.diff;
        controller.cell(
          diff
            ? { kind: "lines", title: "/diff", lines: diff.replace(/\n$/, "").split("\n") }
            : { kind: "info", text: "No changes in this session yet." },
        );
        return;
      }
      case "ps":
        controller.cell({ kind: "lines", title: "/ps", lines: backgroundLines(controller.state.background) });
        return;
      case "compact":
        if (session) await controller.client.request("thread/compact/start", { threadId: session.threadId });
        return;
      case "init":
        await controller.sendPrompt(INIT_PROMPT);
        return;
      case "model":
        await modelCommand(controller, args);
        return;
      case "permissions":
        await permissionsCommand(controller, args);
        return;
      case "hooks":
        await openHooks(controller);
        return;
      case "skills":
        await skillsCommand(controller);
        return;
      case "goal":
        await goalCommand(controller, args);
        return;
      case "resume":
        await resumeCommand(controller, args);
        return;
      default:
        controller.cell({ kind: "info", text: `/${name} is not available in codex-ts yet.` });
    }
  } catch (error) {
    controller.cell({ kind: "error", text: `/${name}: ${errorText(error)}` });
  }
}

/** /status: the session card, with the rate limits read fresh when the account has them. */
async function statusCommand(controller: Controller): Promise<void> {
  try {
    const read = await controller.client.request("account/rateLimits/read", undefined);
    controller.store.dispatch({ type: "rateLimits", rateLimits: read.rateLimits });
  } catch {
    // No account limits (an API key, an offline server): the last ones a turn reported, if any.
  }
  controller.cell({ kind: "lines", title: "/status", lines: statusLines(controller.state) });
}

/** `/review` (uncommitted changes), `/review base BRANCH`, `/review commit SHA`, or instructions. */
async function reviewCommand(controller: Controller, args: string): Promise<void> {
  const session = controller.state.session;
  if (!session) return;
  const [word, rest] = [args.split(/\s+/)[0] ?? "", args.split(/\s+/).slice(1).join(" ")];
  let target: v2.ReviewTarget;
  if (args === "") target = { type: "uncommittedChanges" };
  else if (word === "base" && rest) target = { type: "baseBranch", branch: rest };
  else if (word === "commit" && rest) target = { type: "commit", sha: rest, title: null };
  else target = { type: "custom", instructions: args };
  controller.store.dispatch({ type: "turnRequested", at: Date.now() });
  try {
    await controller.client.request("review/start", { threadId: session.threadId, target });
  } catch (error) {
    controller.store.dispatch({ type: "turnRequestFailed", message: `/review: ${errorText(error)}` });
  }
}

/** /mcp: each configured MCP server, its state and tools. */
async function mcpCommand(controller: Controller): Promise<void> {
  const session = controller.state.session;
  const listed = await controller.client.request(
    "mcpServerStatus/list",
    session ? { threadId: session.threadId } : {},
  );
  const lines = listed.data.flatMap((server) => {
    const tools = Object.keys(server.tools).sort();
    const state = server.runtimeStatus
      ? ` (${typeof server.runtimeStatus === "string" ? server.runtimeStatus : JSON.stringify(server.runtimeStatus)})`
      : "";
    return [
      `• ${server.name}${state}`,
      `    tools: ${tools.length > 0 ? tools.join(", ") : "(none)"}`,
      ...(server.toolsError ? [`    error: ${server.toolsError}`] : []),
    ];
  });
  controller.cell({
    kind: "lines",
    title: "/mcp",
    lines: lines.length > 0 ? lines : ["No MCP servers configured. Add one with `codex-ts mcp add`."],
  });
}

async function modelCommand(controller: Controller, args: string): Promise<void> {
  if (args) {
    await controller.reopenWith({ model: args });
    return;
  }
  const models = await controller.client.request("model/list", {});
  const current = controller.state.session?.model;
  controller.cell({
    kind: "lines",
    title: "/model — type /model NAME to switch",
    lines: models.data.map(
      (m) => `${m.model === current ? "›" : " "} ${m.model}${m.description ? ` — ${m.description}` : ""}`,
    ),
  });
}

const PRESETS: Record<
  string,
  {
    approvalPolicy: "untrusted" | "on-request" | "never";
    sandbox: "read-only" | "workspace-write" | "danger-full-access";
  }
> = {
  "read-only": { approvalPolicy: "on-request", sandbox: "read-only" },
  auto: { approvalPolicy: "on-request", sandbox: "workspace-write" },
  "full-access": { approvalPolicy: "never", sandbox: "danger-full-access" },
};

async function permissionsCommand(controller: Controller, args: string): Promise<void> {
  const preset = PRESETS[args];
  if (!preset) {
    controller.cell({
      kind: "lines",
      title: "/permissions — type /permissions PRESET",
      lines: [
        "read-only    ask before editing files or running commands outside read-only",
        "auto         work in this folder; ask before leaving it or using the network",
        "full-access  no sandbox, never ask (dangerous)",
      ],
    });
    return;
  }
  await controller.reopenWith(preset);
}

async function skillsCommand(controller: Controller): Promise<void> {
  const cwd = controller.state.session?.cwd;
  const listed = await controller.client.request("skills/list", cwd ? { cwds: [cwd] } : {});
  const lines = listed.data.flatMap((entry) =>
    entry.skills.map((s) => `${s.enabled ? "✓" : " "} $${s.name} — ${s.shortDescription ?? s.description}`),
  );
  controller.cell({
    kind: "lines",
    title: "/skills",
    lines: lines.length > 0 ? lines : ["No skills found."],
  });
}

async function goalCommand(controller: Controller, args: string): Promise<void> {
  const session = controller.state.session;
  if (!session) return;
  if (args === "") {
    const { goal } = await controller.client.request("thread/goal/get", { threadId: session.threadId });
    controller.cell({
      kind: "info",
      text: goal
        ? `Goal (${goal.status}): ${goal.objective}`
        : "No goal set. Type /goal OBJECTIVE to set one.",
    });
    return;
  }
  if (args === "clear") {
    await controller.client.request("thread/goal/clear", { threadId: session.threadId });
    controller.cell({ kind: "info", text: "Goal cleared." });
    return;
  }
  const { goal } = await controller.client.request("thread/goal/set", {
    threadId: session.threadId,
    objective: args,
    status: "active",
  });
  controller.cell({ kind: "info", text: `Goal set: ${goal.objective}` });
}

async function resumeCommand(controller: Controller, args: string): Promise<void> {
  if (args) {
    await controller.openThread({ kind: "resume", threadId: args });
    return;
  }
  controller.openPicker();
}
