import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { composerLine, type Rig, rigsPerTest, typeKeys, until } from "../rig.js";
import { MainScreen } from "./MainScreen.js";

// The composer's popups, chips and modes on a real in-process app-server and the fake model.
const startRig = rigsPerTest();
const type = typeKeys;
const paste = (text: string) => `\x1b[200~${text}\x1b[201~`;
const body = (r: Rig, i: number) => JSON.stringify(r.server.responsesRequests()[i]!.body);

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

describe("MainScreen composer", () => {
  it("@ lists files from the app-server's fuzzy search (.gitignore respected); Tab inserts the path", async () => {
    const rig = await startRig();
    execFileSync("git", ["init", "-q", rig.cwd]);
    mkdirSync(path.join(rig.cwd, "src"));
    mkdirSync(path.join(rig.cwd, "build"));
    writeFileSync(path.join(rig.cwd, "src", "main.ts"), "");
    writeFileSync(path.join(rig.cwd, "build", "main.js"), "");
    writeFileSync(path.join(rig.cwd, ".gitignore"), "build/\n");
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "open @");
    expect(ui.lastFrame()).toContain("type to search files");
    await type(ui.stdin, "mai");
    await until(() => ui.lastFrame()?.includes("src/main.ts"), 5_000, "the file popup");
    expect(ui.lastFrame()).not.toContain("build/main.js");
    await type(ui.stdin, "\t");
    expect(composerLine(ui.lastFrame()!)).toMatch(/^› open src\/main\.ts\s*$/);
    ui.unmount();
  });

  it("$ lists skills from skills/list; a mentioned skill is sent as a skill input", async () => {
    const rig = await startRig({ script: [turn(sse.message("deployed", { phase: "final_answer" }))] });
    const skill = path.join(rig.codexHome, "skills", "deploy");
    mkdirSync(skill, { recursive: true });
    writeFileSync(
      path.join(skill, "SKILL.md"),
      "---\nname: deploy\ndescription: Ship the build to staging\n---\nRun SKILL-BODY-7731 to deploy.\n",
    );
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "please $dep");
    await until(() => ui.lastFrame()?.includes("$deploy"), 5_000, "the skill popup");
    expect(ui.lastFrame()).toContain("Ship the build to staging");
    await type(ui.stdin, "\r");
    expect(composerLine(ui.lastFrame()!)).toMatch(/^› please \$deploy\s*$/);
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("deployed"), 10_000, "the answer");
    expect(body(rig, 0)).toContain("SKILL-BODY-7731");
    ui.unmount();
  });

  it("a pasted image path becomes [Image #1] and is sent as an image; a large paste is collapsed", async () => {
    const rig = await startRig({ script: [turn(sse.message("a tiny image", { phase: "final_answer" }))] });
    writeFileSync(path.join(rig.cwd, "shot one.png"), PNG);
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "what is ");
    await type(ui.stdin, paste(path.join(rig.cwd, "shot\\ one.png")));
    await type(ui.stdin, " and ");
    const big = `LONG-PASTE-${"z".repeat(1200)}`;
    await type(ui.stdin, paste(big));
    expect(composerLine(ui.lastFrame()!)).toContain(
      `what is [Image #1] and [Pasted Content ${big.length} chars]`,
    );
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("a tiny image"), 10_000, "the answer");
    const sent = body(rig, 0);
    expect(sent).toContain("data:image/png;base64,");
    expect(sent).toContain("what is [Image #1] and LONG-PASTE-zzz");
    ui.unmount();
  });

  it("Shift+Tab switches to Plan mode: the model can ask questions, answered in the overlay", async () => {
    const rig = await startRig({
      script: [
        turn(
          sse.functionCall(
            "request_user_input",
            {
              questions: [
                {
                  id: "db",
                  header: "Database",
                  question: "Which database should the plan use?",
                  options: [
                    { label: "Postgres (Recommended)", description: "Already in use" },
                    { label: "SQLite", description: "Simpler" },
                  ],
                },
              ],
            },
            { callId: "q1" },
          ),
        ),
        turn(sse.message("planned with sqlite", { phase: "final_answer" })),
      ],
    });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "\x1b[Z");
    expect(ui.lastFrame()).toContain("Plan mode");
    await type(ui.stdin, "plan it");
    await type(ui.stdin, "\r");
    await until(
      () => ui.lastFrame()?.includes("Which database should the plan use?"),
      10_000,
      "the question",
    );
    expect(ui.lastFrame()).toContain("1. Postgres (Recommended)");
    expect(ui.lastFrame()).toContain("3. Other (type an answer)");
    await type(ui.stdin, "2");
    await until(() => ui.lastFrame()?.includes("planned with sqlite"), 10_000, "the answer");
    expect(body(rig, 0)).toContain("<collaboration_mode>plan</collaboration_mode>");
    const second = body(rig, 1);
    expect(second).toContain("SQLite");
    // Shift+Tab again: back to Default.
    await type(ui.stdin, "\x1b[Z");
    expect(ui.lastFrame()).not.toContain("Plan mode");
    ui.unmount();
  });

  it("Esc Esc opens the earlier messages; Enter rolls the thread back and puts the message in the composer", async () => {
    const rig = await startRig({
      script: [
        turn(sse.message("first reply", { phase: "final_answer" })),
        turn(sse.message("second reply", { phase: "final_answer" })),
        turn(sse.message("third reply", { phase: "final_answer" })),
      ],
    });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    for (const [prompt, reply] of [
      ["first question", "first reply"],
      ["second question", "second reply"],
    ]) {
      await type(ui.stdin, prompt!);
      await type(ui.stdin, "\r");
      await until(
        () => ui.lastFrame()?.includes(reply!) && rig.controller.state.turn === null,
        10_000,
        reply,
      );
    }
    await type(ui.stdin, "\x1b");
    expect(ui.lastFrame()).toContain("esc again to edit previous message");
    await type(ui.stdin, "\x1b");
    await until(
      () => ui.lastFrame()?.includes("Edit a previous message (2/2)"),
      5_000,
      "the backtrack overlay",
    );
    await type(ui.stdin, "\x1b");
    expect(ui.lastFrame()).toContain("Edit a previous message (1/2)");
    await type(ui.stdin, "\r");
    await until(() => composerLine(ui.lastFrame()!).includes("first question"), 5_000, "the message to edit");
    // The thread was rolled back (thread/revert): the edited message replaces both turns.
    expect(ui.lastFrame()).toContain("Rewound to before “first question”");
    await type(ui.stdin, ", edited");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("third reply"), 10_000, "the answer to the edit");
    const sent = body(rig, 2);
    expect(sent).toContain("first question, edited");
    expect(sent).not.toContain("second question");
    expect(sent).not.toContain("first reply");
    ui.unmount();
  });
});
