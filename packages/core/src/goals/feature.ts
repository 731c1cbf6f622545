// Goals on a session: the runtime follows the session, and its tools join every request.
import type { ResponseItem } from "@codex-ts/protocol";
import type { Session } from "../session/session.js";
import type { ToolProvider } from "../tools/registry.js";
import type { GoalRuntime } from "./runtime.js";
import { goalToolHandlers } from "./tools.js";

/**
 * The `toolProviders` entry that gives a session goals: when the session is created the runtime
 * attaches to it (accounting from its events, continuation when idle), and every request offers
 * get_goal / create_goal / update_goal and takes the runtime's pending items (a new objective,
 * budget steering) first.
 */
export function goalsFor(runtime: GoalRuntime): (session: Session) => ToolProvider {
  return (session: Session) => {
    runtime.attach({
      subscribe: (listener) => session.subscribe(listener),
      onIdle: (listener) => session.onIdle(listener),
      startTurn: (start, options) => session.startTurn(start, options),
      planMode: () => session.settings().collaboration_mode?.mode === "plan",
    });
    const handlers = goalToolHandlers(runtime);
    const provider: ToolProvider = {
      name: "goals",
      handlers: () => handlers,
      beforeRequest: (): ResponseItem[] => runtime.takeRequestItems(),
    };
    return provider;
  };
}
