import type { GlobalOverrides } from "../cli.js";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";
import { parseCommandArgs } from "../parse.js";
import { EXEC, EXEC_RESUME, renderHelp } from "../spec.js";
import { loadExecRun } from "./load.js";
import { buildExecRequest, type ExecRequest, insideGitRepo } from "./request.js";

export async function runExecCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  // The resume spec is exec's plus --last/--all: parse once with it; request.ts refuses those two without `resume`.
  const parsed = parseCommandArgs(EXEC_RESUME, argv);
  if (!parsed.ok) return usageError(io, parsed.error, "codex-ts exec");
  if (parsed.values.help) {
    io.stdout.write(renderHelp(parsed.positionals[0] === "resume" ? EXEC_RESUME : EXEC));
    return EXIT_OK;
  }
  const built = await buildExecRequest(parsed.values, [...parsed.positionals, ...parsed.afterDoubleDash], io, globals);
  if (!built.ok) return built.usage ? usageError(io, built.error, "codex-ts exec") : failure(io, built.error);
  return runRequest(built.request, io);
}

/** Runs a built exec request: `--trust` first, then the git check, then the turn. */
export async function runRequest(request: ExecRequest, io: CliIO): Promise<number> {
  if (request.trust) {
    const { trustProject } = await import("./trust.js");
    const trusted = trustProject(io.env, request.cwd);
    if (!trusted.ok) return failure(io, trusted.error);
  }
  if (!request.skipGitRepoCheck && !insideGitRepo(request.cwd)) {
    return failure(io, "Not inside a trusted directory and --skip-git-repo-check was not specified.");
  }
  if (request.worktree) {
    const home = resolveCodexHome(io.env);
    if (!home.ok) return failure(io, home.error);
    const { createWorktree } = await import("./worktree.js");
    const created = createWorktree(home.path, request.cwd);
    if (!created.ok) return failure(io, created.error);
    request.cwd = created.cwd;
  }
  const { runExec } = await loadExecRun();
  return runExec(request, io);
}
