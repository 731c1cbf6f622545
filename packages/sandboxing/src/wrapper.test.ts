import fs from "node:fs";
import path from "node:path";
import { AdditionalPermissionProfile } from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testEnv as env, outsideDir, removeDir, run, tempDir } from "./test-util.js";
import { createSandboxWrapper } from "./wrapper.js";

let cwd: string;
let outside: string;
beforeEach(() => {
  cwd = tempDir("sbx-wrap-");
  outside = outsideDir("sbx-wrap-outside-");
});
afterEach(() => {
  removeDir(cwd);
  removeDir(outside);
});

describe.skipIf(process.platform !== "linux")(
  "createSandboxWrapper (core's runner seam) under real bwrap",
  () => {
    const wrap = createSandboxWrapper();
    const script = (f: string) => ["sh", "-c", `echo x > "${f}" && echo wrote || echo refused`];

    it("workspace-write: cwd writable, elsewhere not", async () => {
      const inside = await wrap({
        argv: script(path.join(cwd, "a")),
        cwd,
        env,
        sandbox: { mode: "workspace-write" },
      });
      if (!inside.ok) throw new Error(inside.error);
      expect((await run(inside.argv, { cwd, env: inside.env })).stdout).toBe("wrote\n");
      const out = await wrap({
        argv: script(path.join(outside, "b")),
        cwd,
        env,
        sandbox: { mode: "workspace-write" },
      });
      if (!out.ok) throw new Error(out.error);
      expect((await run(out.argv, { cwd, env: out.env })).stdout).toBe("refused\n");
      expect(fs.existsSync(path.join(outside, "b"))).toBe(false);
    });

    it("an additional-permission overlay widens one command; escalation runs unsandboxed", async () => {
      const grant = AdditionalPermissionProfile.parse({ file_system: { write: [outside] } });
      const widened = await wrap({
        argv: script(path.join(outside, "c")),
        cwd,
        env,
        sandbox: { mode: "read-only" },
        additionalPermissions: [grant],
      });
      if (!widened.ok) throw new Error(widened.error);
      expect((await run(widened.argv, { cwd, env: widened.env })).stdout).toBe("wrote\n");

      const escalated = await wrap({
        argv: ["true"],
        cwd,
        env,
        sandbox: { mode: "read-only" },
        escalated: true,
      });
      expect(escalated).toEqual({ ok: true, argv: ["true"], env: expect.any(Object) });
    });

    it("refuses without a policy, and when bwrap is missing", async () => {
      expect((await wrap({ argv: ["true"], cwd, env })).ok).toBe(false);
      const missing = await createSandboxWrapper({ bwrapPath: path.join(outside, "nope") })({
        argv: ["true"],
        cwd,
        env,
        sandbox: { mode: "workspace-write" },
      });
      expect(missing.ok).toBe(false);
      if (!missing.ok) expect(missing.error).toMatch(/nope/);
    });
  },
);
