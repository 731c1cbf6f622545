import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { composerLine, rigsPerTest, typeKeys as type, until } from "../rig.js";
import { MainScreen } from "./MainScreen.js";

// /logout and /mention on a real in-process app-server.
const startRig = rigsPerTest();

describe("MainScreen slash commands", () => {
  it("/logout removes auth.json through account/logout, says so and quits", async () => {
    const rig = await startRig();
    const auth = path.join(rig.codexHome, "auth.json");
    writeFileSync(auth, '{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "sk-stored"\n}', { mode: 0o600 });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "/logo");
    expect(ui.lastFrame()).toContain("log out of Codex");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("Logged out."), 5_000, "the logout message");
    expect(existsSync(auth)).toBe(false);
    await until(() => rig.exited(), 5_000, "quit");
    ui.unmount();
  });

  it("/mention starts a file mention in the composer: the file popup opens on what follows it", async () => {
    const rig = await startRig();
    mkdirSync(path.join(rig.cwd, "src"));
    writeFileSync(path.join(rig.cwd, "src", "parser.ts"), "");
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "/mention pars\r");
    expect(composerLine(ui.lastFrame()!)).toMatch(/^› @pars\s*$/);
    await until(() => ui.lastFrame()?.includes("src/parser.ts"), 5_000, "the file popup");
    await type(ui.stdin, "\t");
    expect(composerLine(ui.lastFrame()!)).toMatch(/^› src\/parser\.ts\s*$/);
    // Nothing was sent to the model: /mention only edits the composer.
    expect(rig.server.responsesRequests()).toHaveLength(0);
    await type(ui.stdin, "\x15/mention\r");
    expect(composerLine(ui.lastFrame()!)).toMatch(/^› @\s*$/);
    expect(ui.lastFrame()).toContain("type to search files");
    ui.unmount();
  });
});
