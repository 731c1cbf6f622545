import path from "node:path";
import { loadConfig } from "@codex-ts/core";
import {
  type PermissionProfile,
  permissionProfileFromConfig,
  readOnlyPermissionProfile,
  workspaceWritePermissionProfile,
} from "@codex-ts/protocol";
import { runSandboxCommand, runUnderProfile } from "@codex-ts/sandboxing";
import type { GlobalOverrides } from "../cli.js";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_USAGE, failure } from "../io.js";

export const SANDBOX_0169_USAGE = `Usage: codex-ts sandbox [-c key=value]... [-P PROFILE] [-C DIR] [--full-auto] -- COMMAND [ARGS]...
       codex-ts sandbox linux|macos [-s MODE] [--add-dir DIR]... [-C DIR] -- COMMAND [ARGS]...

Runs one command under the sandbox Codex would use here and exits with its exit code.
  -c, --config key=value        override a config value (e.g. sandbox_mode="workspace-write")
  -P, --permission-profile NAME :read-only, :workspace, :danger-full-access or a [permissions.NAME] profile
  -C, --cd DIR                  working directory and workspace root (default: current directory)
      --full-auto               same as -c sandbox_mode="workspace-write"
  -s, --sandbox MODE            read-only, workspace-write or danger-full-access
      --add-dir DIR             extra writable root (workspace-write; repeatable)
`;

interface Parsed {
  overrides: string[];
  profile?: string;
  cd?: string;
  mode?: string;
  addDirs: string[];
  command: string[];
}

function parse(argv: readonly string[]): Parsed | { error: string } {
  const out: Parsed = { overrides: [], addDirs: [], command: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      if (a === "--") {
        out.command = argv.slice(i + 1);
        break;
      }
      if (flag === "-c" || flag === "--config") out.overrides.push(value());
      else if (flag === "-P" || flag === "--permission-profile") out.profile = value();
      else if (flag === "-C" || flag === "--cd") out.cd = value();
      else if (flag === "-s" || flag === "--sandbox") out.mode = value();
      else if (flag === "--add-dir") out.addDirs.push(value());
      else if (flag === "--full-auto") out.mode = "workspace-write";
      else if (a.startsWith("-")) return { error: `unknown option \`${a}\`` };
      else {
        out.command = argv.slice(i);
        break;
      }
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
  if (out.command.length === 0) return { error: "no command given (put it after `--`)" };
  return out;
}

/**
 * `codex-ts sandbox …`: the 0.169 shape (`[-c k=v]… [-P PROFILE] [-C DIR] [--full-auto] -- CMD`)
 * resolves the profile from config here; `sandbox linux|macos …` is the sandboxing package's own.
 */
export async function runSandboxSubcommand(argv: readonly string[], io: CliIO, _globals: GlobalOverrides): Promise<number> {
  const sandboxIo = { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, env: io.env, cwd: io.cwd };
  const first = argv[0];
  if (first === "linux" || first === "macos") return runSandboxCommand([...argv], sandboxIo);
  if (first === "-h" || first === "--help") {
    io.stdout.write(SANDBOX_0169_USAGE);
    return 0;
  }
  const parsed = parse(argv);
  if ("error" in parsed) {
    io.stderr.write(`codex-ts sandbox: ${parsed.error}\n${SANDBOX_0169_USAGE}`);
    return EXIT_USAGE;
  }
  const cwd = path.resolve(io.cwd, parsed.cd ?? ".");
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  const overrides = [...parsed.overrides];
  if (parsed.mode) overrides.push(`sandbox_mode=${JSON.stringify(parsed.mode)}`);
  const loaded = loadConfig({ codexHome: home.path, overrides, cwd, env: io.env });
  if (!loaded.ok) return failure(io, loaded.error);
  const config = loaded.config;
  const addDirs = parsed.addDirs.map((d) => path.resolve(io.cwd, d));
  let profile: PermissionProfile;
  if (parsed.profile) {
    const permissions = config.toml.permissions;
    const named = permissionProfileFromConfig(parsed.profile, permissions && typeof permissions === "object" ? (permissions as Record<string, unknown>) : {});
    if (!named.ok) return failure(io, named.error);
    profile = named.profile;
  } else if (config.sandboxMode === "danger-full-access") profile = { type: "disabled" };
  else if (config.sandboxMode === "workspace-write") {
    const ws = config.sandboxWorkspaceWrite;
    profile = workspaceWritePermissionProfile({
      writableRoots: [...(ws.writable_roots ?? []), ...addDirs],
      network: ws.network_access ? "enabled" : "restricted",
      excludeSlashTmp: ws.exclude_slash_tmp ?? false,
      excludeTmpdirEnvVar: ws.exclude_tmpdir_env_var ?? false,
    });
  } else profile = readOnlyPermissionProfile();
  return runUnderProfile({ profile, cwd, workspaceRoots: [cwd, ...addDirs], command: parsed.command }, sandboxIo);
}
