import { describe, expect, it } from "vitest";
import { CoreSandboxPolicy } from "./permissions.js";
import { coreSandboxPolicyToV2, networkApprovalContextToV2, v2SandboxPolicyToCore } from "./sandbox-convert.js";
import { NetworkApprovalContext } from "./v2/server-requests.js";
import { SandboxPolicy } from "./v2/policy.js";

const core: CoreSandboxPolicy[] = [
  { type: "danger-full-access" },
  { type: "read-only", network_access: true },
  { type: "external-sandbox", network_access: "enabled" },
  {
    type: "workspace-write",
    writable_roots: ["/data", "/cache"],
    network_access: true,
    exclude_tmpdir_env_var: true,
    exclude_slash_tmp: false,
  },
];

describe("CoreSandboxPolicy ↔ v2 SandboxPolicy", () => {
  it.each(core)("round-trips %j and produces valid shapes", (policy) => {
    const v2 = coreSandboxPolicyToV2(policy);
    expect(SandboxPolicy.parse(v2)).toEqual(v2);
    const back = v2SandboxPolicyToCore(v2);
    expect(CoreSandboxPolicy.parse(back)).toEqual(back);
    expect(back).toEqual(policy);
  });

  it("maps field names and fills defaults", () => {
    expect(coreSandboxPolicyToV2({ type: "workspace-write", writable_roots: ["/w"] })).toEqual({
      type: "workspaceWrite",
      writableRoots: ["/w"],
      networkAccess: false,
      excludeTmpdirEnvVar: false,
      excludeSlashTmp: false,
    });
    expect(coreSandboxPolicyToV2({ type: "read-only" })).toEqual({ type: "readOnly", networkAccess: false });
    expect(v2SandboxPolicyToCore({ type: "externalSandbox" })).toEqual({ type: "external-sandbox", network_access: "restricted" });
    expect(v2SandboxPolicyToCore({ type: "workspaceWrite", excludeSlashTmp: true })).toEqual({
      type: "workspace-write",
      writable_roots: [],
      network_access: false,
      exclude_tmpdir_env_var: false,
      exclude_slash_tmp: true,
    });
  });
});

describe("networkApprovalContextToV2", () => {
  it("renames the protocols to their v2 spelling", () => {
    expect(networkApprovalContextToV2({ host: "a.test", protocol: "socks5_tcp" })).toEqual({ host: "a.test", protocol: "socks5Tcp" });
    for (const protocol of ["http", "https", "socks5_tcp", "socks5_udp"] as const) {
      expect(NetworkApprovalContext.safeParse(networkApprovalContextToV2({ host: "h", protocol })).success).toBe(true);
    }
  });
});
