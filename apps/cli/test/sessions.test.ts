import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { LocalThreadStore } from "@codex-ts/thread-store";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

/** Runs one exec turn and returns the new thread's id. */
async function newSession(prompt: string): Promise<string> {
  fx.server.enqueue(turn(sse.message(`answer to ${prompt}`)));
  const r = await runBin(["exec", "--json", ...fx.providerArgs(), prompt], { cwd: fx.work, env: fx.env() });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout.split("\n")[0]!).thread_id;
}

function filesIn(dir: string, id: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.includes(id));
}

async function nameThread(id: string, name: string): Promise<void> {
  const store = await LocalThreadStore.open({ codexHome: fx.home });
  if (!store.ok) throw new Error(store.error.message);
  expect((await store.value.setName(id, name)).ok).toBe(true);
  await store.value.close();
}

describe("codex-ts archive / unarchive / delete", () => {
  it("archive moves the rollout to archived_sessions/ (Codex's layout), unarchive by name moves it back", async () => {
    const id = await newSession("first");
    await nameThread(id, "my-thread");
    const archived = await runBin(["archive", id], { env: fx.env() });
    expect(archived).toMatchObject({ code: 0, stdout: `Archived session ${id}.\n`, stderr: "" });
    expect(filesIn(path.join(fx.home, "archived_sessions"), id)).toHaveLength(1);
    expect(filesIn(path.join(fx.home, "sessions"), id)).toHaveLength(0);

    const again = await runBin(["archive", id], { env: fx.env() });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`Error: No active session found matching '${id}'.\n`);

    const back = await runBin(["unarchive", "my-thread"], { env: fx.env() });
    expect(back).toMatchObject({ code: 0, stdout: `Unarchived session ${id}.\n` });
    expect(filesIn(path.join(fx.home, "sessions"), id)).toHaveLength(1);
    expect(filesIn(path.join(fx.home, "archived_sessions"), id)).toHaveLength(0);
  });

  it("an archived session is not what exec resume --last picks", async () => {
    const id = await newSession("old");
    await runBin(["archive", id], { env: fx.env() });
    fx.server.enqueue(turn(sse.message("new")));
    const r = await runBin(["exec", "--json", ...fx.providerArgs(), "resume", "--last", "hi"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.split("\n")[0]!).thread_id).not.toBe(id);
  });

  it("delete needs a terminal or --force with a UUID; --force deletes the rollout", async () => {
    const id = await newSession("doomed");
    await nameThread(id, "doomed-thread");
    const noTty = await runBin(["delete", id], { env: fx.env() });
    expect(noTty.code).toBe(1);
    expect(noTty.stderr).toContain("rerun with --force");
    const byName = await runBin(["delete", "--force", "doomed-thread"], { env: fx.env() });
    expect(byName.code).toBe(2);
    const forced = await runBin(["delete", "--force", id], { env: fx.env() });
    expect(forced).toMatchObject({ code: 0, stdout: `Deleted session ${id}.\n` });
    expect(filesIn(path.join(fx.home, "sessions"), id)).toHaveLength(0);
    const gone = await runBin(["delete", "--force", id], { env: fx.env() });
    expect(gone.code).toBe(1);
  });

  it("a missing SESSION or an unknown flag is a usage error", async () => {
    expect((await runBin(["archive"], { env: fx.env() })).code).toBe(2);
    expect((await runBin(["unarchive", "--nope", "x"], { env: fx.env() })).code).toBe(2);
  });
});
