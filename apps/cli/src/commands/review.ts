import { type ReviewTarget, reviewRequest } from "@codex-ts/core";
import type { GlobalOverrides } from "../cli.js";
import { runRequest } from "../exec/command.js";
import { buildExecRequest } from "../exec/request.js";
import { type CliIO, failure, readAll, usageError } from "../io.js";
import { stringValue } from "../parse.js";
import { REVIEW } from "../specs/review.js";
import { parseLeaf } from "./common.js";

const COMMAND = "codex-ts review";

/**
 * `codex-ts review [PROMPT|-] [--uncommitted | --base BRANCH | --commit SHA [--title T]]`: one
 * review turn as the app-server's `review/start` runs it (core's review mode: a read-only review
 * sub-agent, the findings printed as Codex prints them); output and exit codes as `exec`.
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
  if (values.uncommitted) target = { type: "uncommittedChanges" };
  else if (values.base !== undefined) target = { type: "baseBranch", branch: stringValue(values, "base")! };
  else if (values.commit !== undefined) target = { type: "commit", sha: stringValue(values, "commit")!, title: stringValue(values, "title") ?? null };
  else if (prompt !== undefined) {
    const instructions = prompt === "-" ? (await readAll(io.stdin)).trim() : prompt;
    if (!instructions) return failure(io, "no review instructions provided via stdin");
    target = { type: "custom", instructions };
  } else {
    return failure(io, "Specify --uncommitted, --base, --commit, or provide custom review instructions");
  }
  const request = reviewRequest(target, io.cwd);
  if (!request.ok) return failure(io, `review: ${request.error}`);

  // The header shows what is reviewed (Codex's hint), as the review turn's user message.
  const built = await buildExecRequest(values, [], io, globals, request.request.userFacingHint);
  if (!built.ok) return built.usage ? usageError(io, built.error, COMMAND) : failure(io, built.error);
  built.request.review = request.request.target;
  return runRequest(built.request, io);
}
