/**
 * The end-to-end tests' setup for the BUILT `codex-ts`: per test a temporary HOME with a
 * CODEX_HOME and a work folder (its own git repository), the fake model server, and the
 * environment to launch the binary with. Test helper (never imported by the TUI).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type FakeResponsesServer,
  startFakeResponsesServer,
  writeFakeProviderConfig,
} from "@codex-ts/test-support";
import { afterEach, beforeEach } from "vitest";

// CODEX_TS_TUI_TEST_MAIN: another build's main.js to drive (e.g. one built to a scratch folder).
export const BUILT_BIN =
  process.env.CODEX_TS_TUI_TEST_MAIN ?? fileURLToPath(new URL("../../bin/codex-ts.js", import.meta.url));
export const builtCli = existsSync(
  process.env.CODEX_TS_TUI_TEST_MAIN ?? fileURLToPath(new URL("../../dist/main.js", import.meta.url)),
);

export interface BuiltTuiFixture {
  root: string;
  home: string;
  work: string;
  server: FakeResponsesServer;
  /** config.toml with the fake provider; the work folder trusted unless `trusted` is false. */
  configure(trusted?: boolean): void;
  /** The environment the binary runs with. */
  env(): NodeJS.ProcessEnv;
}

/** Registers the per-test setup and teardown; read the fields inside tests. */
export function builtTuiFixture(prefix: string, cleanup: () => void = () => {}): BuiltTuiFixture {
  const fixture = {} as BuiltTuiFixture;
  beforeEach(async () => {
    fixture.root = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
    fixture.home = path.join(fixture.root, "home");
    fixture.work = path.join(fixture.root, "work");
    mkdirSync(fixture.home);
    mkdirSync(fixture.work);
    // Its own repository: the project whose trust is recorded is the work folder, wherever tmp is.
    execFileSync("git", ["init", "-q", fixture.work]);
    fixture.server = await startFakeResponsesServer();
  });
  afterEach(async () => {
    cleanup();
    await fixture.server.close();
    rmSync(fixture.root, { recursive: true, force: true });
  });
  fixture.configure = (trusted = true) =>
    writeFakeProviderConfig(fixture.home, fixture.server.url, {
      extra: trusted ? `\n[projects."${fixture.work}"]\ntrust_level = "trusted"\n` : "",
    });
  fixture.env = () => ({
    PATH: process.env.PATH,
    HOME: fixture.root,
    CODEX_HOME: fixture.home,
    TERM: "xterm-256color",
    CODEX_TS_APP_SERVER_PREWARM: "0",
  });
  return fixture;
}
