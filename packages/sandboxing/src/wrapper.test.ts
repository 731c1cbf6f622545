import fs from "node:fs";
import path from "node:path";
import { AdditionalPermissionProfile } from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testEnv as env, outsideDir, removeDir, run, tempDir } from "./test-util.js";
import { createSandboxWrapper, type SandboxWrapperSpec } from "./wrapper.js";

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
    /** Wraps a write to `file` under `spec`'s sandbox, runs it, and resolves with "wrote\n" or "refused\n". */
    async function writeThrough(file: string, spec: Pick<SandboxWrapperSpec, "sandbox" | "additionalPermissions">) {
      const argv = ["sh", "-c", `echo x > "${file}" && echo wrote || echo refused`];
      const wrapped = await wrap({ argv, cwd, env, workspaceRoots: [cwd], ...spec });
      if (!wrapped.ok) throw new Error(wrapped.error);
      return (await run(wrapped.argv, { cwd, env: wrapped.env })).stdout;
    }

    it("workspace-write: cwd writable, elsewhere not", async () => {
      expect(await writeThrough(path.join(cwd, "a"), { sandbox: { mode: "workspace-write" } })).toBe("wrote\n");
      expect(await writeThrough(path.join(outside, "b"), { sandbox: { mode: "workspace-write" } })).toBe("refused\n");
      expect(fs.existsSync(path.join(outside, "b"))).toBe(false);
    });

    it("the command's cwd never becomes a writable root; no roots given → nothing of the workspace is", async () => {
      const inOutside = await wrap({
        argv: ["sh", "-c", "echo x > here && echo wrote || echo refused"],
        cwd: outside,
        env,
        workspaceRoots: [cwd],
        sandbox: { mode: "workspace-write" },
      });
      if (!inOutside.ok) throw new Error(inOutside.error);
      expect((await run(inOutside.argv, { cwd: outside, env: inOutside.env })).stdout).toBe("refused\n");
      expect(fs.existsSync(path.join(outside, "here"))).toBe(false);
      const noRoots = await wrap({
        argv: ["sh", "-c", `echo x > "${path.join(cwd, "d")}" && echo wrote || echo refused`],
        cwd,
        env,
        sandbox: { mode: "workspace-write", excludeSlashTmp: true, excludeTmpdirEnvVar: true },
      });
      if (!noRoots.ok) throw new Error(noRoots.error);
      expect((await run(noRoots.argv, { cwd, env: noRoots.env })).stdout).toBe("refused\n");
    });

    it("an additional-permission overlay widens one command; escalation runs unsandboxed", async () => {
      const grant = AdditionalPermissionProfile.parse({ file_system: { write: [outside] } });
      const widened = await writeThrough(path.join(outside, "c"), {
        sandbox: { mode: "read-only" },
        additionalPermissions: [grant],
      });
      expect(widened).toBe("wrote\n");

      const escalated = await wrap({
        argv: ["true"],
        cwd,
        env,
        sandbox: { mode: "read-only" },
        escalated: true,
      });
      expect(escalated).toEqual({ ok: true, argv: ["true"], env: expect.any(Object), mountPoints: [] });
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
