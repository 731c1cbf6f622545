/**
 * Experimental `permissions` (a permission profile id) on thread/start and turn/start: built-in
 * ids, `[permissions.<name>]` profiles from config.toml, the object selection shape, and the
 * errors Codex gives (unknown id, combined with `sandbox`, no experimentalApi).
 */
import type { v2 } from "@codex-ts/protocol";
import { sse, turn } from "@codex-ts/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import { type AppServerProcess, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
let extraRoot: string;

beforeEach(() => {
  extraRoot = fx.tempDir("codex-extra-root-");
});

/** The writable roots of a workspace-write sandbox; none for any other kind. */
const writableRoots = (sandbox: v2.SandboxPolicy): string[] => (sandbox.type === "workspaceWrite" ? sandbox.writableRoots : []);

/** Each server gets its own CODEX_HOME. */
function boot(extraConfig = "", capabilities?: Record<string, unknown>): Promise<AppServerProcess> {
  return fx.boot({ codexHome: fx.tempDir("codex-home-"), extraConfig, ...(capabilities ? { capabilities } : {}) });
}

describe("thread/start and turn/start with a permission profile id", () => {
  it("maps built-in ids onto the session's sandbox policy", async () => {
    const s = await boot();
    const readOnly = await s.call("thread/start", { cwd: fx.workDir, permissions: ":read-only" });
    expect(readOnly.sandbox).toEqual({ type: "readOnly", networkAccess: false });
    const workspace = await s.call("thread/start", { cwd: fx.workDir, permissions: ":workspace" });
    expect(workspace.sandbox).toMatchObject({ type: "workspaceWrite", networkAccess: false });
    const full = await s.call("thread/start", { cwd: fx.workDir, permissions: ":danger-full-access" });
    expect(full.sandbox).toEqual({ type: "dangerFullAccess" });
    // the older object selection, with a bounded modification
    const modified = await s.call("thread/start", {
      cwd: fx.workDir,
      permissions: {
        type: "profile",
        id: ":workspace",
        modifications: [{ type: "additionalWritableRoot", path: extraRoot }],
      },
    });
    expect(modified.sandbox.type).toBe("workspaceWrite");
    expect(writableRoots(modified.sandbox)).toContain(extraRoot);
  });

  it("resolves a [permissions.<name>] profile from config.toml through its extends chain", async () => {
    const s = await boot(
      [
        "[permissions.team]",
        'extends = ":workspace"',
        'description = "team default"',
        "network.enabled = true",
        "[permissions.team.workspace_roots]",
        `"${extraRoot}" = true`,
        "[permissions.strict]",
        'extends = "team"',
        "network.enabled = false",
        "[permissions.fancy]",
        'extends = ":workspace"',
        "[permissions.fancy.filesystem]",
        '":minimal" = "read"',
      ].join("\n"),
    );
    const team = await s.call("thread/start", { cwd: fx.workDir, permissions: "team" });
    expect(team.sandbox).toMatchObject({ type: "workspaceWrite", networkAccess: true });
    expect(writableRoots(team.sandbox)).toContain(extraRoot);
    const strict = await s.call("thread/start", { cwd: fx.workDir, permissions: "strict" });
    expect(strict.sandbox).toMatchObject({ type: "workspaceWrite", networkAccess: false });
    expect(writableRoots(strict.sandbox)).toContain(extraRoot);
    // rules this server cannot enforce are refused, never silently dropped
    const fancy = await s.request("thread/start", { cwd: fx.workDir, permissions: "fancy" });
    expect(fancy.error?.code).toBe(-32602);
    expect(fancy.error?.message).toContain("`fancy`");
    expect(fancy.error?.message).toContain("filesystem");
    // a profile supplied in the thread's config overrides works too
    const viaConfig = await s.call("thread/start", {
      cwd: fx.workDir,
      permissions: "adhoc",
      config: { "permissions.adhoc.extends": ":read-only" },
    });
    expect(viaConfig.sandbox).toEqual({ type: "readOnly", networkAccess: false });
  });

  it("answers errors the way Codex does", async () => {
    const s = await boot();
    const unknown = await s.request("thread/start", { cwd: fx.workDir, permissions: "no-such-profile" });
    expect(unknown.error?.code).toBe(-32602);
    expect(unknown.error?.message).toContain("`no-such-profile`");
    const both = await s.request("thread/start", {
      cwd: fx.workDir,
      permissions: ":workspace",
      sandbox: "read-only",
    });
    expect(both.error).toEqual({ code: -32600, message: "`permissions` cannot be combined with `sandbox`" });
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const turnBoth = await s.request("turn/start", {
      threadId: thread.id,
      input: [{ type: "text", text: "x" }],
      permissions: ":read-only",
      sandboxPolicy: { type: "dangerFullAccess" },
    });
    expect(turnBoth.error?.code).toBe(-32600);
    const turnUnknown = await s.request("turn/start", {
      threadId: thread.id,
      input: [{ type: "text", text: "x" }],
      permissions: ":nope",
    });
    expect(turnUnknown.error?.code).toBe(-32602);
    expect(turnUnknown.error?.message).toContain("`:nope`");

    const stable = await boot("", {});
    const gated = await stable.request("thread/start", { cwd: fx.workDir, permissions: ":workspace" });
    expect(gated.error).toEqual({
      code: -32600,
      message: "thread/start.permissions requires experimentalApi capability",
    });
  });

  it("thread/fork and thread/resume take a profile id too", async () => {
    fx.fake.enqueue(turn([sse.message("one")]));
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", {
      cwd: fx.workDir,
      permissions: ":danger-full-access",
    });
    await runTurn(first, thread.id, "first");
    const forked = await first.call("thread/fork", { threadId: thread.id, permissions: ":read-only" });
    expect(forked.sandbox).toEqual({ type: "readOnly", networkAccess: false });
    const both = await first.request("thread/fork", {
      threadId: thread.id,
      permissions: ":read-only",
      sandbox: "read-only",
    });
    expect(both.error).toEqual({
      code: -32600,
      message: "`permissions` cannot be combined with `sandbox`",
    });
    await first.dispose();
    const second = await fx.boot();
    const unknown = await second.request("thread/resume", { threadId: thread.id, permissions: "missing" });
    expect(unknown.error?.code).toBe(-32602);
    const resumed = await second.call("thread/resume", { threadId: thread.id, permissions: ":workspace" });
    expect(resumed.sandbox.type).toBe("workspaceWrite");
  });

  it("turn/start permissions switch the thread's sandbox for this and later turns", async () => {
    fx.fake.enqueue(turn([sse.message("one")]), turn([sse.message("two")]));
    const s = await boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir, permissions: ":danger-full-access" });
    await runTurn(s, thread.id, "first", { permissions: ":read-only" });
    const settings = await s.waitForNotification("thread/settings/updated", (p) => p.threadId === thread.id);
    expect(settings.params.threadSettings.sandboxPolicy).toEqual({ type: "readOnly", networkAccess: false });
    await runTurn(s, thread.id, "second");
    const resumed = await s.call("thread/resume", { threadId: thread.id });
    expect(resumed.sandbox).toEqual({ type: "readOnly", networkAccess: false });
  });
});
