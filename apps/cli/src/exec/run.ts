import { writeFileSync } from "node:fs";
import {
  autoApprovalReviewer,
  createSession,
  hookEngineFromConfig,
  loadConfig,
  loadSessionExecPolicy,
  mcpFor,
  parseOverride,
  readStoredApiKey,
  resolveApiKey,
  rolloutRecorder,
  sessionOptionsFromConfig,
  startReview,
  threadSpawnMeta,
} from "@codex-ts/core";
import type { ResponseItem, RolloutLine, UserInput } from "@codex-ts/protocol";
import { createRolloutLater, type PendingRollout, readRollout, reconstructHistory, RolloutWriter, newThreadId } from "@codex-ts/rollout";
import { LocalThreadStore } from "@codex-ts/thread-store";
import { resolveCodexHome } from "../home.js";
import { findSession, isUuid } from "../sessions/find.js";
import { type CliIO, EXIT_FAILURE, EXIT_OK, failure, usageError } from "../io.js";
import { VERSION } from "../version.js";
import { HumanRenderer } from "./human.js";
import { takeQueuedMessage } from "./queued.js";
import { ExecGoal } from "./goal.js";
import { ExecEventMapper } from "./jsonl.js";
import type { ExecRequest } from "./request.js";

/** Runs one `exec` turn (new or resumed thread) and returns the exit code. */
export async function runExec(request: ExecRequest, io: CliIO): Promise<number> {
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  const codexHome = home.path;

  for (const override of request.configOverrides) {
    const parsed = parseOverride(override);
    if ("error" in parsed) return usageError(io, `invalid --config value '${override}': ${parsed.error}`, "codex-ts exec");
  }
  // Flags beat -c overrides, which beat config.toml.
  const overrides = [...request.configOverrides];
  if (request.localProvider) {
    overrides.push(`model_provider=${JSON.stringify(request.localProvider)}`);
    if (!request.model) overrides.push('model="gpt-oss:20b"');
  }
  if (request.model) overrides.push(`model=${JSON.stringify(request.model)}`);
  if (request.sandbox) overrides.push(`sandbox_mode=${JSON.stringify(request.sandbox)}`);
  if (request.bypassApprovalsAndSandbox) overrides.push('approval_policy="never"', 'sandbox_mode="danger-full-access"');
  // --approve-for-me: ask for approvals (on-request) in the workspace-write sandbox; a guardian answers them.
  if (request.approveForMe) overrides.push('approval_policy="on-request"', ...(request.sandbox ? [] : ['sandbox_mode="workspace-write"']));
  if (request.addDirs.length) overrides.push(`sandbox_workspace_write.writable_roots=${JSON.stringify(request.addDirs)}`);

  const loaded = loadConfig({
    codexHome,
    overrides,
    cwd: request.cwd,
    env: io.env,
    strict: request.strictConfig,
    ...(request.profile ? { profileFile: request.profile } : {}),
    ...(request.ignoreUserConfig ? { ignoreUserConfig: true } : {}),
  });
  for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (!loaded.ok) return failure(io, loaded.error);
  const config = loaded.config;
  // exec is non-interactive: nobody can answer an approval, so the default policy is `never`.
  const approvalPolicy = config.toml.approval_policy === undefined ? "never" : config.approvalPolicy;

  const auth = resolveApiKey(config.modelProvider, io.env, readStoredApiKey(codexHome));
  if (!auth.ok) {
    return failure(io, `${auth.error} Or configure a model provider in ${config.configFile} and pass -c model_provider=<id>.`);
  }

  // Resume: find the rollout and rebuild the conversation.
  let initialHistory: ResponseItem[] | undefined;
  let resumedLines: readonly RolloutLine[] = [];
  let writer: RolloutWriter | null = null;
  let threadId: string;
  const found = request.resume ? await findRollout(codexHome, request.resume, request.cwd) : null;
  if (found && !found.ok) return failure(io, found.error);
  // As real Codex: `resume --last` with no earlier session, or a thread name nobody has, starts a
  // new session instead of failing.
  if (found?.ok && found.path !== null) {
    const contents = await readRollout(found.path);
    if (!contents.ok) return failure(io, contents.error.message);
    initialHistory = reconstructHistory(contents.value.lines);
    resumedLines = contents.value.lines;
    threadId = found.threadId;
    if (!request.ephemeral) {
      const resumed = await RolloutWriter.resume(found.path);
      if (!resumed.ok) return failure(io, resumed.error.message);
      writer = resumed.value;
    }
  } else {
    threadId = newThreadId();
  }

  const extra: Parameters<typeof sessionOptionsFromConfig>[2] = { threadId, approvalPolicy, env: io.env };
  if (initialHistory) extra.initialHistory = initialHistory;
  // .rules files (user + trusted project, unless --ignore-rules): allow / prompt / forbidden.
  const rules = await loadSessionExecPolicy({
    codexHome,
    cwd: request.cwd,
    ...(request.ignoreRules ? { ignoreUserAndProjectRules: true } : {}),
  });
  if (!rules.ok) return failure(io, rules.error);
  for (const warning of rules.warnings) io.stderr.write(`warning: ${warning}\n`);
  extra.execPolicy = rules.execPolicy;
  extra.onExecpolicyAmendment = rules.onExecpolicyAmendment;
  const options = sessionOptionsFromConfig(config, request.cwd, extra);
  // MCP servers; no client to answer their elicitations, so those are declined (as Codex exec).
  if (config.mcpServerConfigs.length > 0 && !request.inspectOnly) options.toolProviders = [...(options.toolProviders ?? []), mcpFor({ servers: config.mcpServerConfigs, env: io.env })];
  if (request.addDirs.length) options.workspaceRoots = [request.cwd, ...request.addDirs];

  if (!writer && !request.ephemeral) {
    const meta: Parameters<typeof RolloutWriter.create>[0]["meta"] = {
      cwd: request.cwd,
      originator: "codex_exec",
      cli_version: VERSION,
      source: "exec",
      model_provider: config.modelProviderId,
    };
    // As Codex 0.169: a thread exec creates is the user's unless `--thread-source` says otherwise.
    meta.thread_source = request.threadSource ?? "user";
    if (options.baseInstructions) meta.base_instructions = { text: options.baseInstructions };
    const created = await RolloutWriter.create({ codexHome, threadId, meta });
    if (!created.ok) return failure(io, created.error.message);
    writer = created.value;
  }
  if (writer) {
    options.recorder = rolloutRecorder(writer);
    options.transcriptPath = writer.path;
  }
  // Each thread-spawned sub-agent gets its own rollout (as Codex exec); resume_agent reopens the same one.
  const childRollouts = new Map<string, PendingRollout>();
  if (!request.ephemeral) {
    options.onChildSpawn = (info) => {
      let child = childRollouts.get(info.threadId);
      if (!child) {
        child = createRolloutLater({
          codexHome,
          threadId: info.threadId,
          meta: {
            cwd: request.cwd,
            originator: "codex_exec",
            cli_version: VERSION,
            model_provider: config.modelProviderId,
            ...(options.baseInstructions ? { base_instructions: { text: options.baseInstructions } } : {}),
            ...threadSpawnMeta(info),
          },
        });
        childRollouts.set(info.threadId, child);
      }
      return { recorder: rolloutRecorder(child), transcriptPath: child.path };
    };
  }
  // Lifecycle hooks (user + project layers); untrusted ones are reported, not run.
  if (!request.inspectOnly) {
    const hooks = hookEngineFromConfig(config, request.cwd, { bypassHookTrust: request.bypassHookTrust });
    for (const warning of hooks.warnings) io.stderr.write(`warning: ${warning}\n`);
    options.hooks = hooks;
  }
  const goal = request.goal ? new ExecGoal(threadId, options.recorder, resumedLines) : null;
  if (goal) options.toolProviders = [...(options.toolProviders ?? []), goal.toolProvider()];

  if (request.approveForMe) {
    options.approvalHandler = autoApprovalReviewer(() => session, {
      onDecision: ({ decision, assessment }) => {
        if (!request.json) io.stderr.write(`auto-review: ${decision}${assessment?.rationale ? ` (${assessment.rationale})` : ""}\n`);
      },
    });
  }
  const session = createSession(options);
  const mapper = new ExecEventMapper();
  const color = request.color === "always" || (request.color === "auto" && io.stderr === process.stderr && process.stderr.isTTY === true);
  const human = request.json ? null : new HumanRenderer(io.stderr, color);
  const emit = (event: object) => io.stdout.write(`${JSON.stringify(event)}\n`);

  if (request.json) emit({ type: "thread.started", thread_id: session.threadId });
  else {
    human!.header({
      version: VERSION,
      cwd: request.cwd,
      model: config.model,
      provider: config.modelProviderId,
      approval: typeof approvalPolicy === "string" ? approvalPolicy : "granular",
      sandbox: config.sandboxMode,
      threadId: session.threadId,
    });
    human!.prompt(request.prompt);
  }

  const items: UserInput[] = [
    ...request.images.map((path): UserInput => ({ type: "local_image", path })),
    ...(request.prompt ? [{ type: "text" as const, text: request.prompt, text_elements: [] }] : []),
  ];
  const onAbort = () => session.submit({ type: "interrupt" });
  io.signal?.addEventListener("abort", onAbort, { once: true });

  let succeeded = false;
  let sawTurnEnd = false;
  if (items.length === 0 && !goal && !request.review) {
    await session.shutdown();
    await writer?.close();
    return failure(io, "nothing to send: give a prompt or an image");
  }
  // A message queued for this thread (`codex queue`) runs first, in its own turn; the prompt follows.
  const queued = found?.ok && found.path !== null && !request.review && items.length > 0 ? takeQueuedMessage(codexHome, threadId, io) : undefined;
  const op: Record<string, unknown> = { type: "user_input", items };
  if (request.outputSchema !== undefined) op.final_output_json_schema = request.outputSchema;
  if (request.review) {
    // A review turn (core's review mode, as the app-server's review/start): its last message is the formatted review.
    const started = startReview(session, request.review, config.reviewModel ? { model: config.reviewModel } : {});
    if (!started.ok) {
      await session.shutdown();
      await writer?.close();
      return failure(io, started.reason === "invalid" ? `review: ${started.error}` : `the review could not start (${started.reason})`);
    }
  } else if (queued) session.submit({ type: "user_input", items: queued.input!, client_id: queued.clientId });
  else if (items.length > 0) session.submit(op);
  let promptPending = queued !== undefined;
  // The goal comes after the prompt, so the user's turn goes first.
  const goalError = request.goal ? goal?.start(request.goal) : undefined;
  if (goalError) {
    await session.shutdown();
    await writer?.close();
    return failure(io, `--goal: ${goalError}`);
  }
  if (goal && items.length === 0 && !goal.runtime.isWorking()) {
    // Nothing to run: the goal cannot go on (e.g. over its budget).
    goal.report(io, request.json);
    await session.shutdown();
    await writer?.close();
    return EXIT_FAILURE;
  }

  for await (const event of session.events()) {
    const msg = event.msg;
    if (request.json) for (const out of mapper.map(msg)) emit(out);
    else {
      mapper.map(msg);
      human!.event(msg);
    }
    if (msg.type === "task_complete" && promptPending) {
      promptPending = false;
      session.submit(op);
      continue;
    }
    if (msg.type === "task_complete" || msg.type === "turn_aborted") {
      sawTurnEnd = true;
      succeeded = msg.type === "task_complete" && mapper.turnFailed === null;
      if (goal && msg.type === "task_complete" && (await goal.nextTurnFollows())) continue;
      break;
    }
  }
  io.signal?.removeEventListener("abort", onAbort);
  goal?.report(io, request.json);
  if (goal) succeeded = sawTurnEnd && goal.succeeded();
  await session.shutdown();
  const flushed = await writer?.close();
  if (flushed && !flushed.ok) io.stderr.write(`warning: could not write the session file: ${flushed.error.message}\n`);
  for (const closed of await Promise.all([...childRollouts.values()].map((child) => child.close())))
    if (!closed.ok) io.stderr.write(`warning: could not write a sub-agent's session file: ${closed.error.message}\n`);

  const last = mapper.lastAgentMessage;
  if (request.outputLastMessage) {
    try {
      writeFileSync(request.outputLastMessage, last ?? "");
    } catch (error) {
      io.stderr.write(`warning: could not write ${request.outputLastMessage}: ${(error as Error).message}\n`);
    }
  }
  if (human) {
    human.finish();
    // The answer goes to stdout for pipes and files; when both streams are the terminal, the
    // "codex" section on stderr already showed it.
    if (last !== null && !(io.stdout.isTTY && io.stderr.isTTY)) io.stdout.write(`${last}\n`);
  }
  if (!sawTurnEnd) return EXIT_FAILURE;
  return succeeded ? EXIT_OK : EXIT_FAILURE;
}

/** `path: null` means nothing to resume: start a new session. */
type Found = { ok: true; path: string; threadId: string } | { ok: true; path: null } | { ok: false; error: string };

async function findRollout(codexHome: string, resume: NonNullable<ExecRequest["resume"]>, cwd: string): Promise<Found> {
  // A new thread never gets here: the sqlite index is opened (and better-sqlite3 loaded) only to
  // resume. A static import on purpose — a dynamic one made esbuild load every protocol module lazily
  // and whole, ~14 MiB more at every exec start.
  const opened = await LocalThreadStore.open({ codexHome });
  if (!opened.ok) return { ok: false, error: opened.error.message };
  const store = opened.value;
  try {
    const found = await findSession(store, resume, { cwd });
    if (!found.ok) return found;
    if (found.thread?.path) return { ok: true, path: found.thread.path, threadId: found.thread.id };
    // A UUID names one session, so a missing one is an error; an unknown name or no earlier
    // session starts afresh (as Codex).
    if (resume.kind === "id" && isUuid(resume.id)) return { ok: false, error: `no session found with id or name '${resume.id}'` };
    return { ok: true, path: null };
  } finally {
    await store.close();
  }
}
