import type { GlobalOverrides } from "../cli.js";
import { runRequest } from "../exec/command.js";
import { buildExecRequest } from "../exec/request.js";
import { type CliIO, failure, readAll, usageError } from "../io.js";
import { stringValue } from "../parse.js";
import { REVIEW_INSTRUCTIONS, type ReviewTarget, reviewPrompt } from "../review/prompt.js";
import { REVIEW } from "../specs/review.js";
import { parseLeaf } from "./common.js";

const COMMAND = "codex-ts review";

/**
 * `codex-ts review [PROMPT|-] [--uncommitted | --base BRANCH | --commit SHA]`: one read-only exec
 * turn with the reviewer's instructions; output and exit codes as `exec`, the final answer printed
 * as review comments.
 */
export async function runReviewCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  const parsed = parseLeaf(REVIEW, argv, io, COMMAND);
  if ("exit" in parsed) return parsed.exit;
  const { values } = parsed;
  const prompt = parsed.positionals[0];
  const flags = (["uncommitted", "base", "commit"] as const).filter((f) => values[f] !== undefined);
  if (flags.length > 1) return usageError(io, `--${flags[0]} cannot be used with --${flags[1]}`, COMMAND);
  if (flags.length === 1 && prompt !== undefined) return usageError(io, `--${flags[0]} cannot be used with [PROMPT]`, COMMAND);
  if (values.title !== undefined && values.commit === undefined) return usageError(io, "--title needs --commit", COMMAND);

  let target: ReviewTarget;
  if (values.uncommitted) target = { kind: "uncommitted" };
  else if (values.base !== undefined) target = { kind: "base", branch: stringValue(values, "base")! };
  else if (values.commit !== undefined) {
    const title = stringValue(values, "title");
    target = { kind: "commit", sha: stringValue(values, "commit")!, ...(title ? { title } : {}) };
  } else if (prompt !== undefined) {
    const instructions = prompt === "-" ? (await readAll(io.stdin)).trim() : prompt;
    if (!instructions) return failure(io, "no review instructions provided via stdin");
    target = { kind: "custom", instructions };
  } else {
    return failure(io, "Specify --uncommitted, --base, --commit, or provide custom review instructions");
  }
  const text = reviewPrompt(target, io.cwd);
  if (!text.ok) return failure(io, text.error);

  const built = await buildExecRequest(values, [], io, globals, text.text);
  if (!built.ok) return built.usage ? usageError(io, built.error, COMMAND) : failure(io, built.error);
  const request = built.request;
  request.review = true;
  // The reviewer reads and runs read-only commands; it never edits the tree.
  request.sandbox = "read-only";
  request.configOverrides.push(`developer_instructions=${JSON.stringify(REVIEW_INSTRUCTIONS)}`);
  return runRequest(request, io);
}
