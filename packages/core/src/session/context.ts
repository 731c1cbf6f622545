// Context assembly: base instructions, the permissions developer message, <environment_context>,
// AGENTS.md project docs, user input → Responses input items.
import { existsSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { formatAllowPrefixes } from "@codex-ts/execpolicy";
import type { AskForApproval, PermissionProfile, ResponseItem, UserInput } from "@codex-ts/protocol";
import { escapeXml, filesystemXml } from "../context/filesystem.js";
import type { SandboxPolicy } from "../tools/index.js";

export const DEFAULT_BASE_INSTRUCTIONS = `You are Codex, a coding agent running in a terminal-based harness on the user's computer.
You and the user share one workspace. Work autonomously until the task is resolved: read the code,
make focused changes with the tools you are given, run the relevant checks, and report briefly what
you did and what remains. Prefer small, verifiable steps. Do not invent file contents; look first.
When a command or patch is rejected, do not retry it unchanged; explain or take another route.`;

export const PLAN_MODE_INSTRUCTIONS = `<collaboration_mode>plan</collaboration_mode>
You are in plan mode: explore and ask questions (request_user_input) to understand the task, then
produce a plan. Do not change files or run commands that modify state until the user leaves plan mode.`;

export const DEFAULT_MODE_INSTRUCTIONS = `<collaboration_mode>default</collaboration_mode>
You are in default mode: carry out the task directly.`;

/**
 * The session's base instructions as the model gets them: the first developer message of every
 * request (Codex 0.169 sends no `instructions` field). Built per request, never recorded.
 */
export function baseInstructionsMessage(text: string): ResponseItem {
  return developerMessage(text);
}

export function developerMessage(text: string): ResponseItem {
  return { type: "message", role: "developer", content: [{ type: "input_text", text }] };
}

export function userTextMessage(text: string): ResponseItem {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

function describeApproval(policy: AskForApproval): string {
  if (typeof policy === "object") {
    const g = policy.granular;
    return `Approval policy is granular: sandbox escalations ${g.sandbox_approval ? "may be requested" : "are rejected"}, rule prompts ${g.rules ? "may be requested" : "are rejected"}.`;
  }
  switch (policy) {
    case "untrusted":
      return "Approval policy is `untrusted`: only known-safe read-only commands run without asking; everything else asks the user first.";
    case "on-failure":
      return "Approval policy is `on-failure`: commands run in the sandbox; when one fails because of the sandbox, the user is asked before retrying without it.";
    case "on-request":
      return "Approval policy is `on-request`: commands run in the sandbox; request escalated permissions (with a justification) when a command needs more than the sandbox allows.";
    case "never":
      return "Approval policy is `never`: never ask the user for approval; work within the sandbox and report what could not be done.";
  }
}

function describeSandbox(policy: SandboxPolicy): string {
  switch (policy.type) {
    case "danger-full-access":
      return "Filesystem sandboxing is disabled (`danger-full-access`): commands can read and write anywhere and use the network.";
    case "read-only":
      return `Filesystem sandbox is \`read-only\`: commands can read files but not write them. Network access is ${policy.network_access ? "enabled" : "restricted"}.`;
    case "workspace-write": {
      const roots = policy.writable_roots.length ? ` Extra writable roots: ${policy.writable_roots.join(", ")}.` : "";
      return `Filesystem sandbox is \`workspace-write\`: commands can read everything and write inside the workspace (cwd) and temp directories.${roots} Network access is ${policy.network_access ? "enabled" : "restricted"}.`;
    }
    case "external-sandbox":
      return `Commands run inside an external sandbox that Codex does not manage (\`external-sandbox\`). Network access is ${policy.network_access}.`;
  }
}

/** Whether the model may ask to run a command outside the sandbox under this policy. */
function mayRequestEscalation(approval: AskForApproval): boolean {
  if (typeof approval === "object") return approval.granular.sandbox_approval;
  return approval === "on-request" || approval === "on-failure";
}

/**
 * Codex's "Approved command prefixes" section: the exec policy's allow rules, shortest/broadest
 * first, capped (100 prefixes, 5,000 characters) — only when the model may request escalation.
 */
function approvedPrefixesSection(approval: AskForApproval, allowPrefixes: readonly (readonly string[])[]): string {
  if (!mayRequestEscalation(approval)) return "";
  const rendered = formatAllowPrefixes(allowPrefixes);
  if (!rendered) return "";
  return `\n## Approved command prefixes\nThe following prefix rules have already been approved: ${rendered.text}`;
}

/**
 * The developer message describing sandbox + approval policy and the approved command prefixes
 * (re-sent when any of them changes).
 */
export function permissionsMessage(
  sandbox: SandboxPolicy,
  approval: AskForApproval,
  allowPrefixes: readonly (readonly string[])[] = [],
): ResponseItem {
  return developerMessage(permissionsText(sandbox, approval, allowPrefixes));
}

/** The `<permissions instructions>` text (a part of the context developer message). */
export function permissionsText(
  sandbox: SandboxPolicy,
  approval: AskForApproval,
  allowPrefixes: readonly (readonly string[])[] = [],
): string {
  const prefixes = approvedPrefixesSection(approval, allowPrefixes);
  return `<permissions instructions>\n${describeSandbox(sandbox)}\n${describeApproval(approval)}${prefixes}\n</permissions instructions>`;
}

export interface EnvironmentContext {
  cwd: string;
  shell: string;
  currentDate: string;
  timezone: string;
  workspaceRoots: string[];
  /** The profile commands run under: rendered with the roots as the `<filesystem>` line. */
  permissionProfile?: PermissionProfile;
}

/**
 * The system's IANA zone the way Codex reads it on Unix: the target of the `/etc/localtime` link
 * after `zoneinfo/` (so `Etc/UTC`, not ICU's canonical `UTC`; `TZ` is not consulted), else
 * `/etc/timezone`. Undefined when neither says.
 */
export function systemTimezone(localtime = "/etc/localtime", timezoneFile = "/etc/timezone"): string | undefined {
  try {
    const target = readlinkSync(localtime);
    const at = target.lastIndexOf("zoneinfo/");
    if (at >= 0 && target.length > at + 9) return target.slice(at + 9);
  } catch {
    // not a link (or missing)
  }
  try {
    const name = readFileSync(timezoneFile, "utf8").trim();
    if (/^[A-Za-z0-9_+\-]+(\/[A-Za-z0-9_+\-]+)*$/.test(name)) return name;
  } catch {
    // missing
  }
  return undefined;
}

let cachedTimezone: string | undefined;
/**
 * The process's IANA time zone, resolved once: from the system files where they say (cheap, and
 * what Codex reports), else from ICU (which costs ~15 ms of tz-data loading on first use).
 */
export function localTimezone(): string {
  cachedTimezone ??=
    (process.platform === "win32" ? undefined : systemTimezone()) ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
  return cachedTimezone;
}

export function currentEnvironment(
  cwd: string,
  workspaceRoots: string[],
  env: Readonly<Record<string, string | undefined>>,
  permissionProfile?: PermissionProfile,
): EnvironmentContext {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  const ctx: EnvironmentContext = {
    cwd,
    shell: path.basename(env.SHELL || "/bin/bash"),
    currentDate: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`,
    timezone: localTimezone(),
    workspaceRoots,
  };
  if (permissionProfile) ctx.permissionProfile = permissionProfile;
  return ctx;
}

export function environmentContextText(ctx: EnvironmentContext): string {
  const lines = ["<environment_context>", `  <cwd>${escapeXml(ctx.cwd)}</cwd>`, `  <shell>${escapeXml(ctx.shell)}</shell>`];
  lines.push(`  <current_date>${ctx.currentDate}</current_date>`, `  <timezone>${escapeXml(ctx.timezone)}</timezone>`);
  // Codex 0.169: roots and permission profile on one `<filesystem>` line.
  if (ctx.permissionProfile) lines.push(`  ${filesystemXml(ctx.workspaceRoots, ctx.permissionProfile)}`);
  lines.push("</environment_context>");
  return lines.join("\n");
}

function gitRoot(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, ".git"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * AGENTS.md files from the git root (or cwd outside git) down to cwd, concatenated in that order,
 * capped at `maxBytes` in total. AGENTS.override.md wins over AGENTS.md in a directory; fallback
 * names are tried after both.
 */
export function loadProjectDocs(cwd: string, maxBytes: number, fallbackNames: string[] = []): string | undefined {
  if (maxBytes <= 0) return undefined;
  const root = gitRoot(cwd) ?? path.resolve(cwd);
  const dirs: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (dir === root || path.dirname(dir) === dir) break;
  }
  const parts: string[] = [];
  let remaining = maxBytes;
  for (const dir of dirs) {
    for (const name of ["AGENTS.override.md", "AGENTS.md", ...fallbackNames]) {
      const file = path.join(dir, name);
      let text: string;
      try {
        if (!statSync(file).isFile()) continue;
        text = readFileSync(file, "utf8");
      } catch {
        continue;
      }
      const bytes = Buffer.from(text, "utf8");
      const kept = bytes.length > remaining ? bytes.subarray(0, remaining).toString("utf8") : text;
      if (kept.trim()) parts.push(kept);
      remaining -= Math.min(bytes.length, remaining);
      break;
    }
    if (remaining <= 0) break;
  }
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

/** The AGENTS.md text (a part of the context user message). */
export function projectDocsText(cwd: string, docs: string): string {
  return `# AGENTS.md instructions for ${cwd}\n\n<INSTRUCTIONS>\n${docs}\n</INSTRUCTIONS>`;
}

export function modelSwitchMessage(instructions: string): ResponseItem {
  return developerMessage(
    `<model_switch>\nThe user switched models. Continue the conversation following these instructions:\n\n${instructions}\n</model_switch>`,
  );
}

const MIME_BY_MAGIC: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], "image/png"],
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x47, 0x49, 0x46, 0x38], "image/gif"],
];

function sniffImage(bytes: Buffer): string | undefined {
  for (const [magic, mime] of MIME_BY_MAGIC) if (magic.every((b, i) => bytes[i] === b)) return mime;
  if (bytes.subarray(0, 4).toString("latin1") === "RIFF" && bytes.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  return undefined;
}

/**
 * User input → one user message. Images come first, each wrapped with its `[Image #N]` label;
 * text follows. Local images are read and inlined as data URLs; unreadable or non-image files
 * become a short text note instead (never a crash).
 */
export function userInputMessage(items: readonly UserInput[], cwd: string): ResponseItem {
  const images: Array<{ type: "input_text"; text: string } | { type: "input_image"; image_url: string; detail?: "auto" | "low" | "high" | "original" }> = [];
  const texts: Array<{ type: "input_text"; text: string }> = [];
  let n = 0;
  for (const item of items) {
    switch (item.type) {
      case "text":
        texts.push({ type: "input_text", text: item.text });
        break;
      case "image": {
        n++;
        images.push({ type: "input_text", text: `<image name=[Image #${n}]>` });
        // Omitted detail is sent as `high`, as Codex does.
        images.push({ type: "input_image", image_url: item.image_url, detail: item.detail ?? "high" });
        images.push({ type: "input_text", text: "</image>" });
        break;
      }
      case "local_image": {
        n++;
        const file = path.resolve(cwd, item.path);
        let bytes: Buffer | undefined;
        try {
          bytes = readFileSync(file);
        } catch {
          bytes = undefined;
        }
        const mime = bytes ? sniffImage(bytes) : undefined;
        if (!bytes || !mime) {
          texts.push({ type: "input_text", text: `[Image #${n}: ${file} could not be attached: ${bytes ? "not a supported image" : "unreadable"}]` });
          break;
        }
        images.push({ type: "input_text", text: `<image name=[Image #${n}]>` });
        images.push({ type: "input_image", image_url: `data:${mime};base64,${bytes.toString("base64")}`, detail: item.detail ?? "high" });
        images.push({ type: "input_text", text: "</image>" });
        break;
      }
      case "skill":
      case "mention":
        // Structured selections are not text for the model (as real Codex 0.169): a skill's
        // SKILL.md follows the message instead (see prompt.ts); a plugin mention is metadata.
        break;
    }
  }
  return { type: "message", role: "user", content: [...images, ...texts] };
}

/**
 * Workspace roots: `cwd` itself (not the git root above it, as Codex 0.169 reports them), then
 * extra roots.
 */
export function workspaceRootsFor(cwd: string, extra: string[] = []): string[] {
  return [...new Set([cwd, ...extra])];
}
