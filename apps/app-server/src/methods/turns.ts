// Methods: turn/start, turn/steer, turn/interrupt.
import path from "node:path";
import { v2 } from "@codex-ts/protocol";
import { invalidParams, invalidRequest } from "../errors.js";
import { sandboxPolicyToProfile, toCoreUserInput } from "../mapping.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, concurrently, method } from "../server.js";
import { assertDirectory } from "../threads.js";
import { TurnStartParams } from "../wire.js";

/** How long turn/start waits for core to begin the turn before answering with an error. */
const TURN_START_TIMEOUT_MS = 60_000;

function coreInputs(input: v2.UserInput[]): unknown[] {
  return input.map((item, index) => {
    const converted = toCoreUserInput(item);
    if ("error" in converted) throw invalidParams(`input.${index}: ${converted.error}`);
    return converted;
  });
}

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function turnMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const out: Array<[string, MethodSpec]> = [];
  const add = (method: string, spec: MethodSpec) => out.push([method, spec]);
  const threads = runtime.threads;

  /* ---------------------------------------------------------------- turns */

  // Runs in the background: waiting for core to begin the turn must not hold up other threads' requests.
  add(
    "turn/start",
    concurrently({
      params: TurnStartParams,
      handler: async (p, ctx) => {
        const thread = threads.loaded(p.threadId);
        const items = coreInputs(p.input);
        const settings: Record<string, unknown> = {};
        const cwd = p.cwd ? path.resolve(thread.session.settings().cwd, p.cwd) : undefined;
        if (cwd) assertDirectory(cwd);
        if (p.model) settings.model = p.model;
        if (cwd) settings.cwd = cwd;
        if (p.approvalPolicy) settings.approval_policy = p.approvalPolicy;
        if (p.permissions && p.sandboxPolicy) throw invalidRequest("`permissions` cannot be combined with `sandboxPolicy`");
        const sandboxPolicy = p.permissions ? threads.permissionsPolicy(p.permissions) : p.sandboxPolicy;
        if (sandboxPolicy) settings.permission_profile = sandboxPolicyToProfile(sandboxPolicy, cwd ?? thread.session.settings().cwd);
        if (p.effort) settings.reasoning_effort = p.effort;
        if (p.summary) settings.reasoning_summary = p.summary;
        if (p.serviceTier) settings.service_tier = p.serviceTier;
        if (p.personality) settings.personality = p.personality;
        if (p.runtimeWorkspaceRoots) settings.runtime_workspace_roots = p.runtimeWorkspaceRoots;
        if (p.collaborationMode) settings.collaboration_mode = p.collaborationMode;
        if (cwd && cwd !== thread.session.settings().cwd) await threads.watchSkills(thread.id, cwd);
        const op: Record<string, unknown> = { type: "user_input", items };
        if (Object.keys(settings).length > 0) op.thread_settings = settings;
        if (p.outputSchema !== undefined && p.outputSchema !== null) op.final_output_json_schema = p.outputSchema;
        if (p.clientUserMessageId) op.client_id = p.clientUserMessageId;
        thread.hold();
        ctx.afterResponse(() => thread.release());
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(invalidRequest("the turn did not start in time")), TURN_START_TIMEOUT_MS);
        });
        try {
          const turn = await Promise.race([thread.startTurn(op), timeout]);
          return { turn };
        } finally {
          clearTimeout(timer);
        }
      },
    }),
  );

  add(
    "turn/steer",
    method({
      params: v2.TurnSteerParams,
      handler: (p) => ({ turnId: threads.loaded(p.threadId).steer(p.expectedTurnId, coreInputs(p.input)) }),
    }),
  );

  add(
    "turn/interrupt",
    method({
      params: v2.TurnInterruptParams,
      handler: (p) => {
        threads.loaded(p.threadId).interrupt(p.turnId);
        return {};
      },
    }),
  );
  return out;
}
