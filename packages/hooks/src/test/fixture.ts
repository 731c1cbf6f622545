import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { v2 } from "@codex-ts/protocol";

/** The official app-server JSON Schema (shipped by `@codex-ts/protocol`). */
export const SCHEMA_DIR = v2.officialSchemaDir();

/** A temp tree for one test: CODEX_HOME, a project with `.codex/`, and a place for markers. */
export interface Fixture {
  root: string;
  codexHome: string;
  project: string;
  out: string;
  /** Write a file (creating folders); returns its absolute path. */
  write(rel: string, text: string): string;
  /** Write an executable `#!/bin/sh` script; returns its absolute path. */
  script(rel: string, body: string): string;
  cleanup(): void;
}

export function makeFixture(): Fixture {
  const root = mkdtempSync(join(tmpdir(), "codex-hooks-"));
  const codexHome = join(root, "home");
  const project = join(root, "project");
  const out = join(root, "out");
  for (const dir of [codexHome, join(project, ".git"), join(project, ".codex"), out])
    mkdirSync(dir, { recursive: true });
  const write = (rel: string, text: string) => {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  return {
    root,
    codexHome,
    project,
    out,
    write,
    script(rel, body) {
      const path = write(rel, `#!/bin/sh\n${body}\n`);
      chmodSync(path, 0o755);
      return path;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A hooks.json body with one handler per entry. */
export function hooksJson(
  entries: { event: string; matcher?: string; command: string; timeout?: number }[],
): string {
  const hooks: Record<string, unknown[]> = {};
  for (const entry of entries) {
    const group: Record<string, unknown> = {
      hooks: [
        { type: "command", command: entry.command, ...(entry.timeout ? { timeout: entry.timeout } : {}) },
      ],
    };
    if (entry.matcher !== undefined) group.matcher = entry.matcher;
    hooks[entry.event] = [...(hooks[entry.event] ?? []), group];
  }
  return JSON.stringify({ hooks }, null, 2);
}

/** Wait until `check()` is true (polling), failing after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
