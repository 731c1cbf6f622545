import os from "node:os";
import type { GlobalOverrides } from "../cli.js";
import { loadCliConfig } from "../config.js";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_FAILURE, EXIT_OK, usageError } from "../io.js";
import { DOCTOR } from "../specs/doctor.js";
import { VERSION } from "../version.js";
import { parseLeaf } from "./common.js";
import { type Check, checkAuth, checkCodexHome, checkConfig, checkNetworkProxy, checkSandbox, type Status } from "./doctor-checks.js";

const MARKS: Record<Status, { symbol: string; ascii: string }> = {
  ok: { symbol: "✓", ascii: "[ok]" },
  warn: { symbol: "⚠", ascii: "[warn]" },
  fail: { symbol: "✗", ascii: "[fail]" },
};

/** `codex-ts doctor`: one line per check, what to fix under each problem; exit 1 when any check fails. */
export async function runDoctorCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  const parsed = parseLeaf(DOCTOR, argv, io, "codex-ts doctor");
  if ("exit" in parsed) return parsed.exit;
  const checks: Check[] = [];
  const home = resolveCodexHome(io.env);
  if (!home.ok) checks.push({ name: "codex home", status: "fail", detail: home.error, fix: "create that directory, or unset CODEX_HOME to use ~/.codex" });
  else checks.push(checkCodexHome(home.path));
  if (home.ok) {
    const loaded = loadCliConfig(parsed.values, globals, io.env, io.cwd);
    if (!loaded.ok && loaded.usage) return usageError(io, loaded.error, "codex-ts doctor");
    checks.push(loaded.ok ? checkConfig(loaded.config, null, loaded.warnings) : checkConfig(null, loaded.error, []));
    if (loaded.ok) checks.push(checkAuth(loaded.config, io.env));
  }
  checks.push(await checkSandbox(io.env), await checkNetworkProxy());

  const failed = checks.some((c) => c.status === "fail");
  if (parsed.values.json) {
    io.stdout.write(`${JSON.stringify({ version: VERSION, platform: `${process.platform}-${os.arch()}`, ok: !failed, checks })}\n`);
    return failed ? EXIT_FAILURE : EXIT_OK;
  }
  const ascii = parsed.values.ascii === true;
  const width = Math.max(...checks.map((c) => c.name.length)) + 2;
  const lines = [`codex-ts doctor ${VERSION} · ${process.platform}-${os.arch()}`, ""];
  for (const c of checks) {
    const mark = ascii ? MARKS[c.status].ascii.padEnd(6) : MARKS[c.status].symbol;
    lines.push(`  ${mark} ${c.name.padEnd(width)}${c.detail}`);
    if (c.status !== "ok" && c.fix) lines.push(`  ${" ".repeat(mark.length)} ${" ".repeat(width)}fix: ${c.fix}`);
  }
  const problems = checks.filter((c) => c.status !== "ok").length;
  lines.push("", problems === 0 ? "No problems found." : `${problems} problem${problems === 1 ? "" : "s"} found.`);
  io.stdout.write(`${lines.join("\n")}\n`);
  return failed ? EXIT_FAILURE : EXIT_OK;
}
