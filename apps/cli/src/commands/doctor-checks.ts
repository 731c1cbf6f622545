import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { type Config, readStoredApiKey, resolveApiKey } from "@codex-ts/core";
import { startNetworkProxy } from "@codex-ts/network-proxy";
import { findOnPath, probeBwrap } from "@codex-ts/sandboxing";
import { maskKey } from "./login.js";

export type Status = "ok" | "warn" | "fail";

/** One line of the report; `fix` says what to do when the status is not ok. */
export interface Check {
  name: string;
  status: Status;
  detail: string;
  fix?: string;
}

/** CODEX_HOME exists, is writable, and neither it nor auth.json is open to other users. */
export function checkCodexHome(home: string): Check {
  try {
    accessSync(home, constants.W_OK);
  } catch {
    return { name: "codex home", status: "fail", detail: `${home} is not writable`, fix: `make it writable: chmod u+w ${home}` };
  }
  const mode = statSync(home).mode & 0o777;
  if (mode & 0o022) {
    return { name: "codex home", status: "warn", detail: `${home} is writable by other users (mode ${mode.toString(8)})`, fix: `chmod go-w ${home}` };
  }
  const auth = path.join(home, "auth.json");
  let authMode: number | undefined;
  try {
    authMode = statSync(auth).mode & 0o777;
  } catch {
    // no auth.json: nothing to protect
  }
  if (authMode !== undefined && authMode & 0o077) {
    return { name: "codex home", status: "warn", detail: `${auth} is readable by other users (mode ${authMode.toString(8)})`, fix: `chmod 600 ${auth}` };
  }
  return { name: "codex home", status: "ok", detail: `${home} (mode ${mode.toString(8)})` };
}

export function checkConfig(config: Config | null, error: string | null, warnings: readonly string[]): Check {
  if (!config) return { name: "config", status: "fail", detail: error ?? "cannot load", fix: "correct the file or -c override named above" };
  const summary = `${config.configFile}: model ${config.model}, provider ${config.modelProviderId}`;
  if (warnings.length > 0) {
    return { name: "config", status: "warn", detail: `${summary}; ${warnings.join("; ")}`, fix: "remove or rename the keys named above" };
  }
  return { name: "config", status: "ok", detail: summary };
}

export function checkAuth(config: Config, env: NodeJS.ProcessEnv): Check {
  const auth = resolveApiKey(config.modelProvider, env, readStoredApiKey(config.codexHome));
  if (!auth.ok) {
    return {
      name: "auth",
      status: "fail",
      detail: auth.error,
      fix: "printenv OPENAI_API_KEY | codex-ts login --with-api-key (or export the provider's env_key)",
    };
  }
  const key = auth.apiKey ? ` ${maskKey(auth.apiKey)}` : "";
  return { name: "auth", status: "ok", detail: `API key from ${auth.source ?? "the provider"}${key}` };
}

/** bubblewrap on Linux (present, and able to build a sandbox here); Seatbelt on macOS. */
export async function checkSandbox(env: NodeJS.ProcessEnv): Promise<Check> {
  if (process.platform === "darwin") {
    const ok = spawnSync("/usr/bin/sandbox-exec", ["-p", "(version 1)(allow default)", "/usr/bin/true"]).status === 0;
    return ok
      ? { name: "sandbox", status: "ok", detail: "Seatbelt (/usr/bin/sandbox-exec) runs a command" }
      : { name: "sandbox", status: "fail", detail: "/usr/bin/sandbox-exec cannot run a command", fix: "check that sandbox-exec is available" };
  }
  if (process.platform !== "linux") {
    return { name: "sandbox", status: "fail", detail: `no sandbox on ${process.platform}: commands are refused unless danger-full-access` };
  }
  const bwrap = findOnPath("bwrap", env.PATH);
  if (!bwrap) {
    return { name: "sandbox", status: "fail", detail: "bwrap (bubblewrap) is not on PATH", fix: "install bubblewrap (apt-get install bubblewrap, dnf install bubblewrap)" };
  }
  const problem = await probeBwrap(bwrap);
  if (problem) {
    return {
      name: "sandbox",
      status: "fail",
      detail: `${bwrap} cannot build a sandbox here: ${problem}`,
      fix: "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu, an AppArmor profile for bwrap)",
    };
  }
  return { name: "sandbox", status: "ok", detail: `${bwrap} runs a command in a new namespace` };
}

export async function checkNetworkProxy(): Promise<Check> {
  const started = await startNetworkProxy({ policy: { allowedDomains: [] } });
  if (!started.ok) {
    return { name: "network proxy", status: "fail", detail: started.error.message, fix: "free a loopback port, or check that 127.0.0.1 is configured" };
  }
  const { httpAddress, socksAddress } = started.proxy;
  await started.proxy.close();
  return { name: "network proxy", status: "ok", detail: `starts on 127.0.0.1 (HTTP :${httpAddress.port}, SOCKS5 :${socksAddress.port})` };
}
