import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import {
  AdditionalPermissionProfile,
  globEntry,
  type PermissionProfile,
  readOnlyPermissionProfile,
  specialEntry,
  workspaceWritePermissionProfile,
} from "@codex-ts/protocol";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildBwrapArgv, removeMountPoints } from "./linux.js";
import { type ResolveOptions, resolvePolicy } from "./policy.js";
import { prepareSandboxedCommand } from "./prepare.js";
import { closeHostBridges } from "./proxy-bridge.js";
import { testEnv as env, noTmp, removeDir, restrictedProfile, run, tempDir } from "./test-util.js";

const onLinux = process.platform === "linux";

let root: string;
let outside: string;
beforeEach(() => {
  root = tempDir("sbx-root-");
  outside = tempDir("sbx-outside-");
  for (const d of [".git", ".codex", ".agents", "src"]) fs.mkdirSync(path.join(root, d));
});
afterEach(() => {
  removeDir(root);
  removeDir(outside);
});

async function sandboxed(profile: PermissionProfile, script: string, opts: Partial<ResolveOptions> = {}) {
  const policy = resolvePolicy(profile, { cwd: root, workspaceRoots: [root], ...opts });
  const prepared = await prepareSandboxedCommand({
    policy,
    command: ["sh", "-c", script],
    env,
    platform: "linux",
  });
  if (!prepared.ok) throw new Error(`prepare failed: ${prepared.error.message}`);
  expect(prepared.sandbox).toBe("bwrap");
  return run(prepared.argv, { cwd: prepared.cwd, env: prepared.env });
}

describe("buildBwrapArgv", () => {
  it("lays out mounts shallow to deep with the fixed isolation flags", () => {
    const policy = resolvePolicy(workspaceWritePermissionProfile(noTmp), {
      cwd: root,
      workspaceRoots: [root],
    });
    const r = buildBwrapArgv(policy, ["true"], {
      bwrapPath: "/usr/bin/bwrap",
      denyFile: "/nonexistent-deny",
    });
    if (!r.ok) throw new Error(r.error);
    expect(r.argv.slice(0, 12)).toEqual([
      "/usr/bin/bwrap",
      "--new-session",
      "--die-with-parent",
      "--unshare-pid",
      "--cap-drop",
      "ALL",
      "--ro-bind",
      "/",
      "/",
      "--dev",
      "/dev",
      "--proc",
    ]);
    const s = r.argv.join(" ");
    expect(s).toContain(`--bind ${root} ${root}`);
    expect(s.indexOf(`--bind ${root} ${root}`)).toBeLessThan(
      s.indexOf(`--ro-bind ${root}/.git ${root}/.git`),
    );
    expect(s).toContain(`--ro-bind ${root}/.codex ${root}/.codex`);
    expect(s).toContain(`--ro-bind ${root}/.agents ${root}/.agents`);
    expect(s).toContain("--unshare-net");
    expect(r.argv.slice(-4)).toEqual(["--chdir", root, "--", "true"]);
  });

  it("keeps the network namespace when the network is enabled; proxied needs the bridge", () => {
    const on = resolvePolicy(readOnlyPermissionProfile("enabled"), { cwd: root });
    const r = buildBwrapArgv(on, ["true"], { bwrapPath: "bwrap", denyFile: "/x" });
    expect(r.ok && r.argv.includes("--unshare-net")).toBe(false);
    const proxied = resolvePolicy(readOnlyPermissionProfile(), {
      cwd: root,
      networkProxy: { host: "127.0.0.1", port: 1 },
    });
    const p = buildBwrapArgv(proxied, ["true"], { bwrapPath: "bwrap", denyFile: "/x" });
    expect(p.ok).toBe(false);
  });
});

describe.skipIf(!onLinux)("under real bwrap", () => {
  it("writes inside writable roots succeed and outside fail", async () => {
    const r = await sandboxed(
      workspaceWritePermissionProfile(noTmp),
      `echo in > "${root}/src/in.txt" && echo in-ok; echo out > "${outside}/out.txt" || echo out-refused`,
    );
    expect(r.stdout).toContain("in-ok");
    expect(r.stdout).toContain("out-refused");
    expect(fs.readFileSync(path.join(root, "src/in.txt"), "utf8")).toBe("in\n");
    expect(fs.existsSync(path.join(outside, "out.txt"))).toBe(false);
  });

  it("extra writable roots are writable too", async () => {
    const r = await sandboxed(
      workspaceWritePermissionProfile({ ...noTmp, writableRoots: [outside] }),
      `echo x > "${outside}/extra.txt" && echo ok`,
    );
    expect(r.stdout).toContain("ok");
    expect(fs.existsSync(path.join(outside, "extra.txt"))).toBe(true);
  });

  it(".git, .codex and .agents under a writable root refuse writes unless explicitly granted", async () => {
    const script = [".git", ".codex", ".agents"]
      .map((d) => `echo x > "${root}/${d}/f" && echo "${d}-written" || echo "${d}-refused"`)
      .join("; ");
    const r = await sandboxed(workspaceWritePermissionProfile(noTmp), script);
    expect(r.stdout).toContain(".git-refused");
    expect(r.stdout).toContain(".codex-refused");
    expect(r.stdout).toContain(".agents-refused");
    for (const d of [".git", ".codex", ".agents"]) expect(fs.existsSync(path.join(root, d, "f"))).toBe(false);

    const grant = AdditionalPermissionProfile.parse({
      file_system: { entries: [{ path: { type: "path", path: `${root}/.git` }, access: "write" }] },
    });
    const g = await sandboxed(workspaceWritePermissionProfile(noTmp), script, { overlays: [grant] });
    expect(g.stdout).toContain(".git-written");
    expect(g.stdout).toContain(".codex-refused");
    expect(fs.existsSync(path.join(root, ".git", "f"))).toBe(true);
  });

  it("missing .git, .codex and .agents cannot be created; the empty mount points are removed afterwards", async () => {
    for (const d of [".git", ".codex", ".agents"]) fs.rmSync(path.join(root, d), { recursive: true });
    const policy = resolvePolicy(workspaceWritePermissionProfile(noTmp), { cwd: root, workspaceRoots: [root] });
    const script = [".git", ".codex", ".agents"]
      .map((d) => `mkdir -p "${d}/x" 2>/dev/null; echo x > "${d}/f" 2>/dev/null && echo "${d}-written" || echo "${d}-refused"`)
      .concat([`echo ok > src/control && echo control-written`])
      .join("; ");
    const prepared = await prepareSandboxedCommand({ policy, command: ["sh", "-c", script], env, platform: "linux" });
    if (!prepared.ok) throw new Error(prepared.error.message);
    expect(prepared.mountPoints.sort()).toEqual([".agents", ".codex", ".git"].map((d) => path.join(root, d)).sort());
    const r = await run(prepared.argv, { cwd: prepared.cwd, env: prepared.env });
    for (const d of [".git", ".codex", ".agents"]) expect(r.stdout).toContain(`${d}-refused`);
    expect(r.stdout).toContain("control-written");
    removeMountPoints(prepared.mountPoints);
    for (const d of [".git", ".codex", ".agents"]) expect(fs.existsSync(path.join(root, d))).toBe(false);
    // Never in a shared sticky temp dir: an empty /tmp/.git would put every dir below it in one "repo".
    const withTmp = resolvePolicy(workspaceWritePermissionProfile(), { cwd: root, workspaceRoots: [root], tmpdir: "/tmp" });
    const built = buildBwrapArgv(withTmp, ["true"], { bwrapPath: "bwrap", denyFile: "/nonexistent-deny" });
    expect(built.ok && built.mountPoints.filter((p) => p.startsWith("/tmp/."))).toEqual([]);
  });

  it("read-only mode refuses every write", async () => {
    const r = await sandboxed(
      readOnlyPermissionProfile(),
      `for f in "${root}/a" "${root}/src/b" "${outside}/c" /tmp/sbx-ro-probe-$$ "$HOME/sbx-ro-probe"; do echo x > "$f" 2>/dev/null && echo "wrote $f"; done; mkdir "${root}/d" 2>/dev/null && echo mkdir-ok; echo done`,
    );
    expect(r.stdout).toContain("done");
    expect(r.stdout).not.toContain("wrote");
    expect(r.stdout).not.toContain("mkdir-ok");
    expect(fs.readdirSync(root).sort()).toEqual([".agents", ".codex", ".git", "src"]);
  });

  it("a deny-read glob hides the file", async () => {
    fs.writeFileSync(path.join(root, "src/.env"), "TOKEN=hunter2\n");
    fs.writeFileSync(path.join(root, "src/ok.txt"), "visible\n");
    const profile = restrictedProfile([
      specialEntry({ kind: "root" }, "read"),
      specialEntry({ kind: "project_roots" }, "write"),
      globEntry("**/.env", "deny"),
    ]);
    const r = await sandboxed(
      profile,
      `cat src/ok.txt; cat src/.env || echo env-hidden; echo y > src/.env || echo env-unwritable`,
    );
    expect(r.stdout).toContain("visible");
    expect(r.stdout).toContain("env-hidden");
    expect(r.stdout).toContain("env-unwritable");
    expect(r.stdout + r.stderr).not.toContain("hunter2");
    expect(fs.readFileSync(path.join(root, "src/.env"), "utf8")).toBe("TOKEN=hunter2\n");
  });

  it("a denied directory cannot be listed or read", async () => {
    fs.mkdirSync(path.join(root, "private"));
    fs.writeFileSync(path.join(root, "private/key"), "k3y\n");
    const profile = restrictedProfile([
      specialEntry({ kind: "root" }, "read"),
      specialEntry({ kind: "project_roots", subpath: "private" }, "deny"),
    ]);
    const r = await sandboxed(profile, `ls private || echo ls-refused; cat private/key || echo cat-refused`);
    expect(r.stdout).toContain("ls-refused");
    expect(r.stdout).toContain("cat-refused");
    expect(r.stdout).not.toContain("k3y");
  });

  it("a write grant inside a denied directory still works, the rest of it stays hidden", async () => {
    fs.mkdirSync(path.join(root, "private/pub"), { recursive: true });
    fs.writeFileSync(path.join(root, "private/key"), "k3y\n");
    const profile = restrictedProfile([
      specialEntry({ kind: "root" }, "read"),
      specialEntry({ kind: "project_roots", subpath: "private" }, "deny"),
      specialEntry({ kind: "project_roots", subpath: "private/pub" }, "write"),
    ]);
    const r = await sandboxed(
      profile,
      `echo p > private/pub/out && echo pub-ok; cat private/key || echo key-hidden`,
    );
    expect(r.stdout).toContain("pub-ok");
    expect(r.stdout).toContain("key-hidden");
    expect(r.stdout).not.toContain("k3y");
    expect(fs.readFileSync(path.join(root, "private/pub/out"), "utf8")).toBe("p\n");
  });

  it("restricted reads expose only the listed roots", async () => {
    const profile = restrictedProfile([
      specialEntry({ kind: "minimal" }, "read"),
      specialEntry({ kind: "project_roots" }, "write"),
    ]);
    fs.writeFileSync(path.join(outside, "elsewhere.txt"), "nope\n");
    const r = await sandboxed(
      profile,
      `echo w > mine.txt && cat mine.txt; cat "${outside}/elsewhere.txt" || echo outside-invisible`,
      {
        platform: "linux",
      },
    );
    expect(r.stdout).toContain("w\n");
    expect(r.stdout).toContain("outside-invisible");
    expect(r.stdout).not.toContain("nope");
  });

  describe("network", () => {
    let server: net.Server;
    let port = 0;
    beforeAll(async () => {
      server = net.createServer((s) => s.end("hello\n"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    afterAll(async () => {
      await closeHostBridges();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const probe = () =>
      `"${process.execPath}" -e 'const s=require("net").connect(${port},"127.0.0.1");s.on("data",d=>{process.stdout.write("got:"+d);process.exit(0)});s.on("error",e=>{console.log("conn-failed:"+e.code);process.exit(3)})'`;

    it("with network off a Unix socket of the host cannot be reached (seccomp); local IPC still works", async () => {
      const sockPath = path.join(outside, "host.sock");
      let connections = 0;
      const host = net.createServer((s) => {
        connections++;
        s.end("host\n");
      });
      await new Promise<void>((resolve) => host.listen(sockPath, resolve));
      try {
        const client = `const s=require("net").connect(${JSON.stringify(sockPath)});s.on("data",d=>{console.log("got:"+d);process.exit(0)});s.on("error",e=>{console.log("unix-failed:"+e.code);process.exit(3)})`;
        const r = await sandboxed(readOnlyPermissionProfile("restricted"), `"${process.execPath}" -e '${client}'; echo piped | cat`);
        expect(r.stdout).toContain("unix-failed:EPERM");
        expect(r.stdout).toContain("piped");
        expect(connections).toBe(0);
        // Control: with the network enabled the same client gets through.
        const open = await sandboxed(readOnlyPermissionProfile("enabled"), `"${process.execPath}" -e '${client}'`);
        expect(open.stdout).toContain("got:host");
      } finally {
        host.close();
      }
    });

    it("with network off a connection to a loopback listener outside the sandbox fails", async () => {
      const r = await sandboxed(readOnlyPermissionProfile("restricted"), probe());
      expect(r.code).toBe(3);
      expect(r.stdout).toContain("conn-failed");
      expect(r.stdout).not.toContain("got:hello");
    });

    it("proxied: only the proxy is reachable, at the same loopback port, and proxy env vars point at it", async () => {
      const other = net.createServer((s) => s.end("other\n"));
      await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
      const otherPort = (other.address() as net.AddressInfo).port;
      try {
        const opts = { networkProxy: { host: "127.0.0.1", port } };
        const viaProxy = await sandboxed(
          readOnlyPermissionProfile("restricted"),
          `${probe()}; echo "proxy=$HTTPS_PROXY"; echo "noproxy=$NO_PROXY/$no_proxy"`,
          opts,
        );
        expect(viaProxy.stdout).toContain("got:hello");
        expect(viaProxy.stdout).toContain(`proxy=http://127.0.0.1:${port}`);
        expect(viaProxy.stdout).toContain("noproxy=localhost,127.0.0.1,::1/localhost,127.0.0.1,::1");
        const direct = await sandboxed(
          readOnlyPermissionProfile("restricted"),
          probe().replace(String(port), String(otherPort)),
          opts,
        );
        expect(direct.stdout).toContain("conn-failed");
        expect(direct.stdout).not.toContain("other");
        const exit = await sandboxed(readOnlyPermissionProfile("restricted"), "exit 5", opts);
        expect(exit.code).toBe(5);
      } finally {
        await new Promise<void>((resolve) => other.close(() => resolve()));
      }
    });

    it("with network on the same connection succeeds", async () => {
      const r = await sandboxed(readOnlyPermissionProfile("enabled"), probe());
      expect(r.stdout).toContain("got:hello");
      expect(r.code).toBe(0);
    });
  });

  it("with bwrap absent the command is refused, not run", async () => {
    const marker = path.join(outside, "ran");
    const policy = resolvePolicy(workspaceWritePermissionProfile({ writableRoots: [outside] }), {
      cwd: root,
      workspaceRoots: [root],
    });
    const viaPath = await prepareSandboxedCommand({
      policy,
      command: ["touch", marker],
      env: { PATH: path.join(outside, "no-bin-here") },
      platform: "linux",
    });
    expect(viaPath.ok).toBe(false);
    if (!viaPath.ok) {
      expect(viaPath.error.code).toBe("bwrap-missing");
      expect(viaPath.error.message).toMatch(/bwrap/);
    }
    const viaOption = await prepareSandboxedCommand({
      policy,
      command: ["touch", marker],
      env,
      platform: "linux",
      bwrapPath: path.join(outside, "nowhere/bwrap"),
    });
    expect(viaOption.ok).toBe(false);
    if (!viaOption.ok) expect(viaOption.error.code).toBe("bwrap-missing");
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("an unusable bwrap is reported as such", async () => {
    const fake = path.join(outside, "bwrap");
    fs.writeFileSync(
      fake,
      "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n",
      { mode: 0o755 },
    );
    const policy = resolvePolicy(readOnlyPermissionProfile(), { cwd: root });
    const r = await prepareSandboxedCommand({
      policy,
      command: ["true"],
      env,
      platform: "linux",
      bwrapPath: fake,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("bwrap-unusable");
      expect(r.error.message).toContain("No permissions");
    }
  });
});

describe("prepareSandboxedCommand", () => {
  it("fails closed on Windows and other platforms without a backend", async () => {
    const policy = resolvePolicy(readOnlyPermissionProfile(), { cwd: root });
    for (const platform of ["windows", "freebsd"]) {
      const r = await prepareSandboxedCommand({ policy, command: ["true"], env, platform });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe("unsupported");
        expect(r.error.message).toMatch(/unsupported/);
      }
    }
  });

  it("runs disabled profiles as is (also on Windows) and marks network-off commands in env", async () => {
    const d = await prepareSandboxedCommand({
      policy: resolvePolicy({ type: "disabled" }, { cwd: root }),
      command: ["echo", "hi"],
      env,
      platform: "windows",
    });
    expect(d).toMatchObject({ ok: true, argv: ["echo", "hi"], sandbox: "none" });
    expect(d.ok && d.env.CODEX_SANDBOX_NETWORK_DISABLED).toBeUndefined();
    const e = await prepareSandboxedCommand({
      policy: resolvePolicy({ type: "external", network: "restricted" }, { cwd: root }),
      command: ["echo", "hi"],
      env,
    });
    expect(e.ok && e.env.CODEX_SANDBOX_NETWORK_DISABLED).toBe("1");
    const empty = await prepareSandboxedCommand({
      policy: resolvePolicy({ type: "disabled" }, { cwd: root }),
      command: [],
    });
    expect(empty.ok).toBe(false);
  });

  it("macOS: wraps with sandbox-exec and sets CODEX_SANDBOX=seatbelt", async () => {
    const r = await prepareSandboxedCommand({
      policy: resolvePolicy(readOnlyPermissionProfile(), { cwd: root }),
      command: ["ls"],
      env,
      platform: "macos",
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.sandbox).toBe("seatbelt");
      expect(r.argv[0]).toBe("/usr/bin/sandbox-exec");
      expect(r.argv.slice(-2)).toEqual(["--", "ls"]);
      expect(r.env.CODEX_SANDBOX).toBe("seatbelt");
    }
  });
});
