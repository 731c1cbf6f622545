/**
 * Hook faults through the built `codex-ts exec`: a trusted UserPromptSubmit hook (CODEX_HOME/hooks.json)
 * that hangs past its timeout, one that prints garbage, one that exits non-zero. The turn still
 * completes, the hanging hook's process is killed, and the hook's failure does not poison the prompt.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hookHash, hookKey } from "@codex-ts/hooks";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { events, eventually, makeHome, processesWith, runExec, useFaultSuite } from "./harness.js";

/** Writes `script` as a trusted UserPromptSubmit hook with `timeoutSec`. */
function trustedPromptHook(home: string, body: string, timeoutSec: number): void {
  const script = path.join(home, "hook.sh");
  writeFileSync(script, `#!/bin/sh\ncat > /dev/null\ntouch "${home}/hook-ran"\n${body}\n`);
  chmodSync(script, 0o755);
  const hooksJson = path.join(home, "hooks.json");
  writeFileSync(
    hooksJson,
    JSON.stringify({
      hooks: { UserPromptSubmit: [{ hooks: [{ type: "command", command: script, timeout: timeoutSec }] }] },
    }),
  );
  const key = hookKey(hooksJson, "UserPromptSubmit", 0, 0);
  const hash = hookHash({
    event: "UserPromptSubmit",
    matcher: null,
    command: script,
    timeoutSec,
    async: false,
    statusMessage: null,
  });
  const config = path.join(home, "config.toml");
  const text = readFileSync(config, "utf8");
  // Top-level keys must precede the provider table: put the hook state table first.
  writeFileSync(
    config,
    `${text.split("\n[model_providers.fake]")[0]}\n[hooks.state.${JSON.stringify(key)}]\ntrusted_hash = ${JSON.stringify(hash)}\n\n[model_providers.fake]${text.split("\n[model_providers.fake]")[1]}`,
  );
}

const CASES = [
  {
    name: "a hook that hangs is killed at its timeout",
    body: "sleep 47.314159",
    timeout: 1,
    mark: "47.314159",
    maxMs: 15_000,
  },
  { name: "a hook that prints garbage", body: "printf '}{ not json \\001\\002'", timeout: 10 },
  { name: "a hook that exits non-zero", body: "echo 'hook broke' >&2; exit 1", timeout: 10 },
  {
    name: "a hook whose JSON has the wrong shape",
    body: `printf '%s' '{"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":[1,{}]},"continue":"maybe"}'`,
    timeout: 10,
  },
];

describe("hook faults (codex-ts exec)", () => {
  const suite = useFaultSuite("hook faults survived", CASES.length);

  for (const c of CASES) {
    it(c.name, { timeout: 90_000 }, async () => {
      const server = await suite.start({
        script: [turn(sse.message("answered", { phase: "final_answer" }))],
      });
      const { home, work } = makeHome(server.url);
      trustedPromptHook(home, c.body, c.timeout);
      const r = await runExec(["hello through a hook"], home, work, { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(path.join(home, "hook-ran")), "the hook did not run").toBe(true);
      expect(events(r.stdout).find((e) => e.type === "item.completed")?.item?.text).toBe("answered");
      expect(JSON.stringify(server.responsesRequests()[0]?.body.input)).toContain("hello through a hook");
      if (c.maxMs) expect(r.ms).toBeLessThan(c.maxMs);
      if (c.mark) {
        const gone = await eventually(() => processesWith(c.mark as string).length === 0, 3_000);
        for (const pid of processesWith(c.mark)) process.kill(pid, "SIGKILL");
        expect(gone, "the timed-out hook's process survived").toBe(true);
      }
      suite.survived++;
    });
  }
});
