/** Permission requests: a network setting is a request even when it says `enabled: false`. */
import { describe, expect, it } from "vitest";
import { fnCall, makeContext } from "../tools/test-context.js";
import { isEmptyPermissions, requestPermissionsHandler } from "../tools/permissions.js";
import type { PermissionsRequest } from "../tools/types.js";
import { effectivePermissions, resolveEffective } from "./effective.js";

describe("{network: {enabled: false}} in a permissions request", () => {
  it("is not an empty request: the client is asked, and what it grants turns no network on", async () => {
    expect(isEmptyPermissions({ network: { enabled: false }, file_system: null })).toBe(false);
    expect(isEmptyPermissions({ network: null, file_system: null })).toBe(true);
    const t = makeContext({ sandboxPolicy: { type: "workspace-write" } });
    try {
      const asked: PermissionsRequest[] = [];
      t.ctx.requestPermissions = async (request) => {
        asked.push(request);
        return { ok: true, granted: request.permissions, scope: "turn" };
      };
      const r = await requestPermissionsHandler().handle(
        fnCall("request_permissions", { reason: "no network please", permissions: { network: { enabled: false } } }),
        t.ctx,
      );
      expect(r.success).toBe(true);
      expect(asked).toHaveLength(1);
      expect(asked[0]?.permissions.network).toEqual({ enabled: false });
      const granted = { network: { enabled: false }, file_system: null };
      t.ctx.grantedPermissions = () => granted;
      expect(resolveEffective(effectivePermissions(t.ctx)).network).toEqual({ mode: "disabled" });
    } finally {
      t.cleanup();
    }
  });
});
