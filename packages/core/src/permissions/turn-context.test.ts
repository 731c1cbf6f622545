/**
 * What a turn records about its permissions, and what survives a cwd change: the real profile
 * (deny globs kept, never the legacy projection), configured workspace roots (and only those).
 */
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { globEntry, type TurnContextItem, workspaceWritePermissionProfile } from "@codex-ts/protocol";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { type Harness, type SessionDirs, say, startSession, useSessionDirs } from "../session/test-harness.js";

let dirs: SessionDirs;
let h: Harness | undefined;
useSessionDirs("codex-turn-ctx-", (d) => {
  dirs = d;
}, async () => {
  await h?.session.shutdown();
  h = undefined;
});

function start(extra: Parameters<typeof startSession>[2], contexts: TurnContextItem[]) {
  h = startSession(dirs.server, dirs.work, {
    sandboxPolicy: { type: "workspace-write", exclude_slash_tmp: true, exclude_tmpdir_env_var: true },
    tools: { shellTool: "unified_exec" },
    recorder: { recordItems: () => {}, recordEvent: () => {}, recordTurnContext: (c) => contexts.push(c) },
    ...extra,
  });
  return h;
}

describe("turn_context and permissions", () => {
  it("a per-turn profile is recorded whole; derived roots are not recorded", async () => {
    const contexts: TurnContextItem[] = [];
    const profile = workspaceWritePermissionProfile();
    if (profile.type === "managed" && profile.file_system.type === "restricted") profile.file_system.entries.push(globEntry("**/*.pem", "deny"));
    dirs.server.enqueue(turn(sse.message("ok")));
    const s = start({}, contexts);
    s.session.submit({ ...say("hi"), thread_settings: { permission_profile: profile } });
    await s.turnEnd();
    expect(contexts[0]?.permission_profile).toEqual(profile);
    expect(contexts[0]?.runtime_workspace_roots).toBeUndefined();
    expect(s.session.settings().permission_profile).toEqual(profile);
  });

  it("configured workspace roots survive a cwd change, stay writable, and are recorded", async () => {
    const contexts: TurnContextItem[] = [];
    const extraRoot = path.join(dirs.dir, "extra");
    const sub = path.join(dirs.work, "sub");
    mkdirSync(extraRoot);
    mkdirSync(sub);
    dirs.server.enqueue(
      turn(sse.functionCall("exec_command", { cmd: `echo ok > ${extraRoot}/kept.txt`, login: false }, { callId: "w" })),
      turn(sse.message("done")),
    );
    const s = start({ workspaceRoots: [dirs.work, extraRoot] }, contexts);
    s.session.submit({ ...say("go"), thread_settings: { cwd: sub } });
    await s.turnEnd();
    expect(contexts[0]?.cwd).toBe(sub);
    expect(contexts[0]?.runtime_workspace_roots).toEqual([dirs.work, extraRoot]);
    expect(readFileSync(path.join(extraRoot, "kept.txt"), "utf8")).toBe("ok\n");
  });
});
