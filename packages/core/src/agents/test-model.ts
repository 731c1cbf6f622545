// The sub-agent tests' rig: a routing fake model (@codex-ts/test-support: every request answered by
// who sent it and what it carries, since parent and children run at once) and a parent session
// with the sub-agent tools. Test-only.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  agentCall,
  callOutputs,
  type ItemSpec,
  isSubagentRequest,
  type ModelRequest,
  type RoutingModel,
  sse,
  startRoutingModel,
} from "@codex-ts/test-support";
import { afterEach, beforeEach } from "vitest";
import type { ModelProviderInfo } from "../client/provider.js";
import type { SessionOptions } from "../session/options.js";
import { type Harness, startSession } from "../session/test-harness.js";
import { agentsConfigFromToml } from "./config.js";
import { multiAgentTools } from "./index.js";

export { agentCall, callOutputs, lastUserText, type ModelRequest } from "@codex-ts/test-support";

/** Whether a request comes from a sub-agent. */
export const isChild = isSubagentRequest;
export const json = (text: string | undefined) => JSON.parse(text ?? "null");

/**
 * The plain delegation route: the parent spawns one child (`spawnArgs`), waits for it, then
 * answers "done"; the child answers `childAnswer`.
 */
export function spawnAndWait(childAnswer = "ok", spawnArgs: Record<string, unknown> = { message: "go" }) {
  return (r: ModelRequest): ItemSpec[] => {
    if (isChild(r)) return [sse.message(childAnswer)];
    const out = callOutputs(r);
    if (!out.c1) return [agentCall("spawn_agent", spawnArgs, "c1")];
    if (!out.c2) return [agentCall("wait_agent", { targets: [json(out.c1).agent_id] }, "c2")];
    return [sse.message("done")];
  };
}

/** Per test: a temp dir, a routing model and a parent session with the sub-agent tools; all cleaned up after. */
export function useAgentTree() {
  let model: RoutingModel | undefined;
  let dir = "";
  let harness: Harness | undefined;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-agents-")));
  });
  afterEach(async () => {
    await harness?.session.shutdown();
    harness = undefined;
    await model?.close();
    model = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    model: () => model!,
    /** The tool outputs the parent's last request carried, by call id. */
    parentOutputs: () => callOutputs(model!.requests.filter((r) => !isChild(r)).at(-1)!),
    async start(
      route: (r: ModelRequest) => ItemSpec[] | Promise<ItemSpec[]>,
      agentsToml?: unknown,
      extra: Partial<SessionOptions> = {},
    ): Promise<Harness> {
      model = await startRoutingModel(route);
      harness = startSession(model as never, dir, {
        provider: model.provider as ModelProviderInfo,
        toolProviders: [multiAgentTools(agentsConfigFromToml(agentsToml).config)],
        ...extra,
      });
      return harness;
    },
  };
}
