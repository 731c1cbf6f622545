import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { ReviewTarget } from "@codex-ts/core";
import type { GlobalOverrides } from "../cli.js";
import { type CliIO, readAll } from "../io.js";
import { configOverrides, profileError } from "../overrides.js";
import { type OptionValues, stringList, stringValue } from "../parse.js";
import type { SANDBOX_MODES } from "../spec.js";
import { type ExecGoalRequest, parseGoalBudget } from "./goal-budget.js";

/** Everything `exec` was asked to do, normalised from argv and stdin. */
export interface ExecRequest {
  prompt: string;
  images: string[];
  resume: { kind: "id"; id: string } | { kind: "last"; all: boolean } | null;
  cwd: string;
  addDirs: string[];
  model?: string;
  profile?: string;
  sandbox?: (typeof SANDBOX_MODES)[number];
  /** `-c key=value` overrides in order (global ones first), plus --enable/--disable as features.*. */
  configOverrides: string[];
  json: boolean;
  outputSchema?: unknown;
  outputLastMessage?: string;
  skipGitRepoCheck: boolean;
  ephemeral: boolean;
  ignoreRules: boolean;
  /** `--ignore-user-config`: CODEX_HOME/config.toml is not read (auth still is). */
  ignoreUserConfig: boolean;
  bypassApprovalsAndSandbox: boolean;
  bypassHookTrust: boolean;
  /** Unknown config keys are errors, not warnings. */
  strictConfig: boolean;
  /** Record the project (its git root) as trusted in config.toml before running. */
  trust: boolean;
  /** Run in a new git worktree (CODEX_HOME/worktrees/…) instead of `cwd`. */
  worktree: boolean;
  /** A code review (`codex-ts review`): the turn is core's review of this target, not the prompt. */
  review?: ReviewTarget;
  /** `--approve-for-me`: approvals go to core's automatic reviewer (a guardian sub-agent), workspace-write. */
  approveForMe?: boolean;
  /** `--oss`: the local provider to use (model_provider), with gpt-oss:20b unless -m. */
  localProvider?: "ollama" | "lmstudio";
  threadSource?: string;
  color: "always" | "never" | "auto";
  /** `debug prompt-input`: build the model's input only — no hooks run, no MCP servers start. */
  inspectOnly?: boolean;
  /** `--goal` / `--goal-budget`: keep working on a thread goal (see goal.ts). */
  goal?: ExecGoalRequest;
}

export type RequestResult = { ok: true; request: ExecRequest } | { ok: false; usage: boolean; error: string };

/** Builds an ExecRequest; reads stdin when the prompt says so. Never throws. */
export async function buildExecRequest(
  values: OptionValues,
  positionals: string[],
  io: CliIO,
  globals: GlobalOverrides,
  /** A prompt decided by the caller (`review`): stdin is then left alone. */
  fixedPrompt?: string,
): Promise<RequestResult> {
  let resume: ExecRequest["resume"] = null;
  let promptArg: string | undefined;
  if (positionals[0] === "resume") {
    const [, first, second, ...extra] = positionals;
    if (extra.length > 0) return { ok: false, usage: true, error: `unexpected argument '${extra[0]}'` };
    if (values.last) {
      if (second !== undefined) return { ok: false, usage: true, error: `unexpected argument '${second}'` };
      resume = { kind: "last", all: values.all === true };
      promptArg = first;
    } else {
      if (first === undefined) {
        return { ok: false, usage: true, error: "resume needs a SESSION_ID or --last" };
      }
      resume = { kind: "id", id: first };
      promptArg = second;
    }
  } else {
    if (positionals.length > 1)
      return { ok: false, usage: true, error: `unexpected argument '${positionals[1]}'` };
    if (values.last || values.all) {
      return { ok: false, usage: true, error: "--last and --all only apply to `exec resume`" };
    }
    promptArg = positionals[0];
  }

  const cwdArg = stringValue(values, "cd");
  const cwd = cwdArg ? path.resolve(io.cwd, cwdArg) : io.cwd;
  if (cwdArg && !isDirectory(cwd))
    return { ok: false, usage: false, error: `--cd: no such directory: ${cwd}` };

  const goalObjective = stringValue(values, "goal");
  const goalBudget = parseGoalBudget(stringValue(values, "goal-budget"));
  if (!goalBudget.ok) return { ok: false, usage: true, error: goalBudget.error };
  if (goalObjective === undefined && goalBudget.value !== null)
    return { ok: false, usage: true, error: "--goal-budget needs --goal" };
  if (goalObjective !== undefined && goalObjective.trim() === "")
    return { ok: false, usage: true, error: "--goal: the objective must not be empty" };
  // With --goal the prompt is optional: the goal alone starts the work.
  const prompt =
    fixedPrompt !== undefined
      ? { ok: true as const, text: fixedPrompt }
      : goalObjective !== undefined && promptArg === undefined
        ? { ok: true as const, text: "" }
        : await resolvePrompt(promptArg, io, resume !== null);
  if (!prompt.ok) return { ok: false, usage: false, error: prompt.error };

  let outputSchema: unknown;
  const schemaPath = stringValue(values, "output-schema");
  if (schemaPath) {
    const file = path.resolve(io.cwd, schemaPath);
    try {
      outputSchema = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      const reason = error instanceof SyntaxError ? `not valid JSON (${error.message})` : "cannot be read";
      return { ok: false, usage: false, error: `--output-schema ${schemaPath}: ${reason}` };
    }
    if (typeof outputSchema !== "object" || outputSchema === null || Array.isArray(outputSchema)) {
      return {
        ok: false,
        usage: false,
        error: `--output-schema ${schemaPath}: a JSON Schema must be an object`,
      };
    }
  }

  const images = stringList(values, "image")
    .flatMap((v) => v.split(","))
    .filter((v) => v.length > 0)
    .map((v) => path.resolve(io.cwd, v));
  for (const image of images) {
    if (!existsSync(image)) return { ok: false, usage: false, error: `--image: no such file: ${image}` };
  }

  const overrides = configOverrides(values, globals);
  if (!overrides.ok) return { ok: false, usage: true, error: overrides.error };

  const request: ExecRequest = {
    prompt: prompt.text,
    images,
    resume,
    cwd,
    addDirs: stringList(values, "add-dir").map((d) => path.resolve(io.cwd, d)),
    configOverrides: overrides.overrides,
    json: values.json === true,
    skipGitRepoCheck: values["skip-git-repo-check"] === true,
    ephemeral: values.ephemeral === true,
    ignoreRules: values["ignore-rules"] === true,
    ignoreUserConfig: values["ignore-user-config"] === true,
    bypassApprovalsAndSandbox: values["dangerously-bypass-approvals-and-sandbox"] === true,
    bypassHookTrust: values["dangerously-bypass-hook-trust"] === true,
    strictConfig: values["strict-config"] === true,
    trust: values.trust === true,
    worktree: values.worktree === true,
    color: (stringValue(values, "color") as ExecRequest["color"] | undefined) ?? "auto",
  };
  const model = stringValue(values, "model");
  if (model) request.model = model;
  const profile = stringValue(values, "profile");
  if (profile !== undefined) {
    const invalid = profileError(profile);
    if (invalid) return { ok: false, usage: true, error: invalid };
    request.profile = profile;
  }
  const sandbox = stringValue(values, "sandbox");
  if (sandbox && values["full-auto"] === true && sandbox !== "workspace-write") {
    return {
      ok: false,
      usage: true,
      error: `--full-auto (workspace-write) conflicts with --sandbox ${sandbox}`,
    };
  }
  if (sandbox) request.sandbox = sandbox as ExecRequest["sandbox"];
  else if (values["full-auto"] === true) request.sandbox = "workspace-write";
  if (outputSchema !== undefined) request.outputSchema = outputSchema;
  const last = stringValue(values, "output-last-message");
  if (last) request.outputLastMessage = path.resolve(io.cwd, last);
  if (values["approve-for-me"] === true) {
    if (request.bypassApprovalsAndSandbox)
      return { ok: false, usage: true, error: "--approve-for-me cannot be used with --dangerously-bypass-approvals-and-sandbox" };
    request.approveForMe = true;
  }
  const localProvider = stringValue(values, "local-provider") as ExecRequest["localProvider"];
  if (values.oss === true && !localProvider) {
    return {
      ok: false,
      usage: false,
      error: "No default OSS provider configured. Use --local-provider=provider (lmstudio or ollama)",
    };
  }
  if (localProvider) request.localProvider = localProvider;
  const source = stringValue(values, "thread-source");
  if (source) request.threadSource = source;
  if (goalObjective !== undefined) request.goal = { objective: goalObjective, tokenBudget: goalBudget.value };
  return { ok: true, request };
}

async function resolvePrompt(
  arg: string | undefined,
  io: CliIO,
  resuming: boolean,
): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  if (arg !== undefined && arg !== "-") {
    // A prompt on argv plus piped stdin: stdin is appended as a <stdin> block.
    if (io.stdin.isTTY) return { ok: true, text: arg };
    const piped = await readAll(io.stdin);
    if (piped.trim().length === 0) return { ok: true, text: arg };
    return { ok: true, text: `${arg}\n\n<stdin>\n${piped.replace(/\n$/, "")}\n</stdin>` };
  }
  if (io.stdin.isTTY) {
    if (arg === undefined && resuming) return { ok: true, text: "" };
    return { ok: false, error: "no prompt provided: pass PROMPT as an argument or pipe it on stdin" };
  }
  const text = await readAll(io.stdin);
  if (text.trim().length === 0) {
    if (resuming && arg === undefined) return { ok: true, text: "" };
    return { ok: false, error: "no prompt provided via stdin" };
  }
  return { ok: true, text };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** True when `dir` or one of its parents holds a `.git` entry. */
export function insideGitRepo(dir: string): boolean {
  let current = path.resolve(dir);
  for (;;) {
    if (existsSync(path.join(current, ".git"))) return true;
    const parent = path.dirname(current);
    if (parent === current) return false;
    current = parent;
  }
}
