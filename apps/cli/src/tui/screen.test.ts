/**
 * What the BUILT `codex-ts` leaves on a real screen: run in tmux (a real terminal emulator) at
 * 80×24 against the fake model server, the screen and its scrollback are read back and checked
 * for corruption (rows wider than the terminal, a transcript line drawn twice, ghost composers),
 * and after a resize the composer reflows to the new width.
 */
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { BUILT_BIN, builtCli, builtTuiFixture } from "./e2e-fixture.js";
import { TmuxSession, tmuxAvailable } from "./tmux-session.js";

const PLACEHOLDER = "Ask Codex to do anything";
let tmux: TmuxSession | undefined;
const fx = builtTuiFixture("tui-screen-", () => {
  tmux?.kill();
  tmux = undefined;
});

function launch(cols: number, rows: number): TmuxSession {
  fx.configure();
  tmux = new TmuxSession([process.execPath, BUILT_BIN], { cwd: fx.work, env: fx.env(), cols, rows });
  return tmux;
}

const count = (rows: string[], text: string) => rows.filter((r) => r.includes(text)).length;

describe.skipIf(!builtCli || !tmuxAvailable())(
  "codex-ts TUI on a real screen (tmux)",
  { timeout: 90_000 },
  () => {
    it("at 80×24 a long streamed answer leaves no corruption on screen or in the scrollback", async () => {
      const lines = Array.from(
        { length: 60 },
        (_, i) =>
          `Line ${String(i + 1).padStart(2, "0")} of the answer${i % 7 === 0 ? `, long enough to wrap past the eighty columns of this terminal (${i})` : ""}.`,
      );
      const text = `${lines.join("\n\n")}\n\n\`\`\`ts\nconst done = "END-OF-ANSWER";\n\`\`\``;
      fx.server.enqueue(turn(sse.message(text, { phase: "final_answer", deltas: 40 })));
      const t = launch(80, 24);
      await t.waitFor((s) => count(s, PLACEHOLDER) === 1 && count(s, "context left") === 1, "the composer");
      t.type("print sixty lines");
      t.keys("Enter");
      const screen = await t.waitFor(
        (s) => count(s, "Worked for") === 1 && count(s, PLACEHOLDER) === 1,
        "the turn end",
      );
      expect(screen).toHaveLength(24);
      for (const row of screen) expect(row.length).toBeLessThanOrEqual(80);
      expect(count(screen, "context left")).toBe(1);
      expect(screen.join("\n")).toContain("END-OF-ANSWER");
      const history = t.history();
      for (const row of history) expect(row.length).toBeLessThanOrEqual(80);
      // Every line of the answer is in the scrollback exactly once, in order.
      const at = lines.map((_, i) =>
        history.findIndex((r) => r.includes(`Line ${String(i + 1).padStart(2, "0")} of`)),
      );
      for (let i = 0; i < lines.length; i++) {
        expect(count(history, `Line ${String(i + 1).padStart(2, "0")} of`), `line ${i + 1}`).toBe(1);
        if (i > 0) expect(at[i]).toBeGreaterThan(at[i - 1]!);
      }
      expect(count(history, "› print sixty lines")).toBe(1);
      // One composer and one status line: no frame left behind by a redraw.
      expect(count(history, PLACEHOLDER)).toBe(1);
      expect(count(history, "context left")).toBe(1);
      expect(count(history, "Working")).toBe(0);
    });

    it("a resize reflows the composer to the new width", async () => {
      const t = launch(80, 24);
      // The open thread's composer (the first frame, painted before the TUI loads, has a ">").
      await t.waitFor(
        (s) =>
          count(s, PLACEHOLDER) === 1 && s.some((r) => r.startsWith("› ")) && count(s, "context left") === 1,
        "the composer",
      );
      const typed = Array.from({ length: 15 }, (_, i) => `word${String(i).padStart(2, "0")}x`).join(" ");
      t.type(typed);
      await t.waitFor((s) => s.join(" ").includes("word14x"), "the typed text");
      t.resize(50, 20);
      // tmux reflows the old frame itself first: wait for the TUI's own redraw of the composer.
      const screen = await t.waitFor(
        (s) => s.length === 20 && s.every((r) => r.length <= 50) && composerText(s) === typed,
        "the reflowed screen",
      );
      const start = screen.findIndex((r) => r.startsWith("› "));
      const end = screen.findIndex((r, i) => i > start && r.includes("context left"));
      expect(count(screen, "context left")).toBe(1);
      expect(screen.slice(start, end).length).toBeGreaterThan(2);
      t.resize(100, 30);
      const wide = await t.waitFor(
        (s) =>
          s.length === 30 &&
          count(s, "context left") === 1 &&
          s.some((r) => r.startsWith("› ") && r.includes("word10x")),
        "the widened screen",
      );
      expect(count(wide, "word00x")).toBe(1);
    });
  },
);

/** The composer's text on a screen: the rows from the prompt glyph to the status line, joined. */
function composerText(screen: string[]): string | null {
  const start = screen.findIndex((r) => r.startsWith("› "));
  const end = screen.findIndex((r, i) => start !== -1 && i > start && r.includes("context left"));
  if (start === -1 || end === -1) return null;
  return screen
    .slice(start, end)
    .map((r, i) => (i === 0 ? r.slice(2) : r.trimStart()))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}
