/**
 * Seed behaviours driven through the built app-server (issue 28).
 */
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("seed behaviours over the app-server", () => {
  it.each(["code", "pair_programming", "execute", "custom"])(
    "accepts the legacy collaboration mode %s and runs the turn in default mode",
    async (legacy) => {
      fx.fake.enqueue(turn([sse.message("planned")]), turn([sse.message("done")]));
      const server = await fx.boot();
      const { thread } = await server.call("thread/start", { cwd: fx.workDir });
      const settings = { model: "gpt-test", reasoning_effort: null, developer_instructions: null };
      const first = await server.call("turn/start", {
        threadId: thread.id,
        input: [{ type: "text", text: "plan first" }],
        collaborationMode: { mode: "plan", settings },
      });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === first.turn.id);
      // A legacy name is coerced to `default`: the model is told it left plan mode.
      const second = await server.call("turn/start", {
        threadId: thread.id,
        input: [{ type: "text", text: "now do it" }],
        collaborationMode: { mode: legacy as "default", settings },
      });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === second.turn.id);
      const input = JSON.stringify(fx.fake.responsesRequests()[1]?.body.input);
      expect(input).toContain("<collaboration_mode>default</collaboration_mode>");
    },
  );
});
