import { describe, expect, it } from "vitest";
import { additionalPermissionsFromV2, additionalPermissionsToV2 } from "./index.js";

describe("additional permissions v2 <-> core", () => {
  it("round-trips entries, network and glob depth", () => {
    const core = {
      network: { enabled: true },
      file_system: {
        entries: [
          { path: { type: "path" as const, path: "/srv/a" }, access: "write" as const },
          { path: { type: "special" as const, value: { kind: "project_roots" as const } }, access: "read" as const },
        ],
        glob_scan_max_depth: 3,
      },
    };
    const wire = additionalPermissionsToV2(core);
    expect(wire.fileSystem?.entries?.[1]).toEqual({
      path: { type: "special", value: { kind: "project_roots", subpath: null } },
      access: "read",
    });
    expect(additionalPermissionsFromV2(wire)).toEqual({ ok: true, permissions: core });
  });

  it("turns legacy read/write lists into entries and refuses relative paths", () => {
    expect(additionalPermissionsFromV2({ fileSystem: { write: ["/x"] } })).toEqual({
      ok: true,
      permissions: { network: null, file_system: { entries: [{ path: { type: "path", path: "/x" }, access: "write" }] } },
    });
    const bad = additionalPermissionsFromV2({ fileSystem: { write: ["rel/dir"] } });
    expect(bad).toEqual({ ok: false, error: "permission paths must be absolute: rel/dir" });
    expect(additionalPermissionsFromV2({ network: { enabled: "yes" } }).ok).toBe(false);
  });
});

describe("additional permissions on command approvals (typed fields)", () => {
  const core = {
    network: { enabled: true },
    file_system: { entries: [{ path: { type: "path" as const, path: "/srv/out" }, access: "write" as const }] },
  };

  it("ExecApprovalRequestEvent keeps additional_permissions", async () => {
    const { ExecApprovalRequestEvent } = await import("./index.js");
    const parsed = ExecApprovalRequestEvent.parse({
      type: "exec_approval_request",
      call_id: "c1",
      command: ["touch", "/srv/out/x"],
      cwd: "/w",
      additional_permissions: core,
    });
    expect(parsed.additional_permissions).toEqual(core);
    expect(ExecApprovalRequestEvent.safeParse({ type: "exec_approval_request", call_id: "c", command: [], cwd: "/w", additional_permissions: { network: { enabled: "yes" } } }).success).toBe(false);
  });

  it("v2 CommandExecutionRequestApprovalParams keeps additionalPermissions and omits it when absent", async () => {
    const { v2 } = await import("../index.js");
    const base = { threadId: "t", turnId: "u", itemId: "i", startedAtMs: 1 };
    const wire = additionalPermissionsToV2(core);
    expect(v2.CommandExecutionRequestApprovalParams.parse({ ...base, additionalPermissions: wire }).additionalPermissions).toEqual(wire);
    expect(v2.CommandExecutionRequestApprovalParams.parse(base)).not.toHaveProperty("additionalPermissions");
  });
});

describe("SessionConfigured with only a legacy sandbox_policy", () => {
  const base = { type: "session_configured", session_id: "s", model: "m", model_provider_id: "openai", approval_policy: "never", cwd: "/w" };

  it("is upgraded to a permission profile when read (EventMsg and parseEventMsg)", async () => {
    const { EventMsg, parseEventMsg, sandboxPolicyToPermissionProfile } = await import("../index.js");
    const legacy = { type: "workspace-write" as const, writable_roots: ["/data"], network_access: true, exclude_tmpdir_env_var: false, exclude_slash_tmp: false };
    const parsed = EventMsg.parse({ ...base, sandbox_policy: legacy });
    expect(parsed).toMatchObject({ type: "session_configured", permission_profile: sandboxPolicyToPermissionProfile(legacy) });
    expect(parsed).not.toHaveProperty("sandbox_policy");
    const viaReader = parseEventMsg({ ...base, sandbox_policy: { type: "danger-full-access" } });
    expect(viaReader.kind === "event" && viaReader.event.type === "session_configured" && viaReader.event.permission_profile).toEqual({ type: "disabled" });
  });

  it("keeps an explicit permission_profile over the legacy policy", async () => {
    const { EventMsg } = await import("../index.js");
    const parsed = EventMsg.parse({ ...base, permission_profile: { type: "disabled" }, sandbox_policy: { type: "read-only" } });
    expect(parsed).toMatchObject({ permission_profile: { type: "disabled" } });
  });
});

describe("0.169 removals", () => {
  it("session_configured has no history_log_id / history_entry_count; add_to_history is not an op", async () => {
    const { EventMsg, Op } = await import("../index.js");
    const parsed = EventMsg.parse({ type: "session_configured", session_id: "s", model: "m", model_provider_id: "openai", approval_policy: "never", cwd: "/w", history_log_id: 3, history_entry_count: 4 });
    expect(parsed).not.toHaveProperty("history_log_id");
    expect(parsed).not.toHaveProperty("history_entry_count");
    expect(Op.safeParse({ type: "add_to_history", text: "x" }).success).toBe(false);
  });
});
