/**
 * End to end: `codex-ts "PROMPT"` sends the prompt at once, and `codex-ts fork --last` continues a
 * copy of the last session (a new thread id), on the BUILT binary in a real pseudo-terminal.
 */
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { BUILT_BIN, builtCli, builtTuiFixture } from "./e2e-fixture.js";
import { PtySession } from "./pty-session.js";

const sessions: PtySession[] = [];
const fx = builtTuiFixture("tui-launch-", () => {
  for (const s of sessions.splice(0)) s.kill();
});

function launch(args: string[]): PtySession {
  const session = PtySession.spawn(process.execPath, [BUILT_BIN, ...args], { cwd: fx.work, env: fx.env() });
  sessions.push(session);
  return session;
}

/** Ctrl-C on the idle composer arms the quit, the second quits; the exit code and the hint's id. */
async function quit(session: PtySession): Promise<{ code: number; threadId: string | undefined }> {
  const code = await session.quit();
  return { code, threadId: /codex-ts resume ([0-9a-f-]{36})/.exec(session.text)?.[1] };
}

describe.skipIf(!builtCli)(
  "codex-ts [PROMPT] and fork --last in a pseudo-terminal",
  { timeout: 60_000 },
  () => {
    it("a prompt on the command line is sent at once; fork --last continues a copy of that session", async () => {
      fx.configure();
      fx.server.enqueue(
        turn(sse.message("counted 3 files", { phase: "final_answer" })),
        turn(sse.message("forked and remembered", { phase: "final_answer" })),
      );
      const first = launch(["count the files please"]);
      await first.waitFor("counted 3 files");
      await first.waitFor("Worked for");
      expect(first.text).toContain("› count the files please");
      expect(JSON.stringify(fx.server.responsesRequests()[0]!.body)).toContain("count the files please");
      const original = await quit(first);
      expect(original.code).toBe(0);
      expect(original.threadId).toBeDefined();

      const fork = launch(["fork", "--last"]);
      await fork.waitFor("counted 3 files");
      await fork.waitFor(/context left/);
      const mark = fork.raw.length;
      await fork.step("what did I ask?\r", "forked and remembered");
      await fork.waitFor("Worked for", 15_000, mark);
      expect(JSON.stringify(fx.server.responsesRequests()[1]!.body)).toContain("count the files please");
      const forked = await quit(fork);
      expect(forked.code).toBe(0);
      expect(forked.threadId).toBeDefined();
      expect(forked.threadId).not.toBe(original.threadId);
    });
  },
);
