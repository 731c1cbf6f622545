/**
 * macOS permission extensions in permission profiles, through the built app-server (issue 28).
 * Real Codex 0.169 (Linux build) accepts `[permissions.<name>.macos]` and runs the profile's
 * commands under the same Linux sandbox: Apple Events, preferences, accessibility and calendar do
 * not exist there, so the extensions grant nothing. On macOS they become Seatbelt clauses
 * (sandboxing's prepare; golden-tested there).
 */
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const profiles = [
  "[permissions.mac]",
  'extends = ":workspace"',
  "[permissions.mac.macos]",
  'automations = { bundle_ids = ["com.apple.Notes"] }',
  "calendar = true",
  "[permissions.mac_all]",
  'extends = "mac"',
  "[permissions.mac_all.macos]",
  'automations = "all"',
  "[permissions.mac_bad]",
  'extends = ":workspace"',
  "[permissions.mac_bad.macos]",
  "automations = 5",
].join("\n");

describe("permission profiles with macOS automation", () => {
  it("a profile naming automation (list, {bundle_ids}, all) is selectable and its turn runs; a malformed one is -32602 naming the field", async () => {
    fx.fake.enqueue(turn([sse.message("ran")]));
    const s = await fx.boot({ extraConfig: profiles });
    const listed = (await s.call("permissionProfile/list", {})).data as { id: string; allowed: boolean }[];
    expect(listed.filter((p) => p.id.startsWith("mac"))).toEqual([
      expect.objectContaining({ id: "mac", allowed: true }),
      expect.objectContaining({ id: "mac_all", allowed: true }),
      expect.objectContaining({ id: "mac_bad", allowed: false }),
    ]);
    const started = await s.call("thread/start", { cwd: fx.workDir, permissions: "mac" });
    expect(started.sandbox).toMatchObject({ type: "workspaceWrite" });
    const { turn: t } = await s.call("turn/start", { threadId: started.thread.id, input: [{ type: "text", text: "go" }] });
    const done = await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(done.params.turn.status).toBe("completed");
    expect((await s.call("thread/start", { cwd: fx.workDir, permissions: "mac_all" })).sandbox).toMatchObject({ type: "workspaceWrite" });
    const bad = await s.request("thread/start", { cwd: fx.workDir, permissions: "mac_bad" });
    expect(bad.error?.code).toBe(-32602);
    expect(bad.error?.message).toMatch(/permission profile `mac_bad`: macos\.automations must be "none", "all", a list of bundle ids or \{ bundle_ids/);
  });
});
