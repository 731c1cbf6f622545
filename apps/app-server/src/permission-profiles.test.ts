import { describe, expect, it } from "vitest";
import { sandboxPolicyForPermissions } from "./permission-profiles.js";

describe("permission profiles with macOS extensions", () => {
  const profiles = {
    base: { extends: ":workspace", macos: { automations: ["com.apple.Notes"], calendar: true } },
    child: { extends: "base", macos: { automations: { bundle_ids: ["com.apple.Music", " com.apple.Notes "] } } },
    everything: { extends: ":read-only", macos: { automations: "all", preferences: "read_write" } },
    bad: { extends: ":workspace", macos: { automations: 5 } },
    unknown: { extends: ":workspace", macos: { camera: true } },
  };

  it("returns the extensions (none/all/list/{bundle_ids}), merged down the extends chain", () => {
    expect(sandboxPolicyForPermissions(":workspace", profiles).macos).toBeUndefined();
    expect(sandboxPolicyForPermissions("base", profiles).macos).toEqual({
      preferences: "read_only",
      automation: { bundleIds: ["com.apple.Notes"] },
      accessibility: false,
      calendar: true,
    });
    const child = sandboxPolicyForPermissions("child", profiles);
    expect(child.policy.type).toBe("workspaceWrite");
    expect(child.macos).toMatchObject({ automation: { bundleIds: ["com.apple.Music", "com.apple.Notes"] }, calendar: true });
    expect(sandboxPolicyForPermissions("everything", profiles).macos).toMatchObject({ automation: "all", preferences: "read_write" });
  });

  it("refuses malformed or unknown macOS permissions with -32602 naming the profile and field", () => {
    expect(() => sandboxPolicyForPermissions("bad", profiles)).toThrow(/permission profile `bad`: macos\.automations must be/);
    expect(() => sandboxPolicyForPermissions("unknown", profiles)).toThrow(/permission profile `unknown`: unknown macos permission `camera`/);
  });
});
