import { createRequire } from "node:module";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { LocalThreadStore } from "@codex-ts/thread-store";
import { describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

interface Sqlite {
  prepare(sql: string): { all(...p: unknown[]): Record<string, unknown>[]; run(...p: unknown[]): unknown };
  close(): void;
}
const Database = createRequire(import.meta.url)("better-sqlite3") as new (file: string) => Sqlite;

function query(sql: string, ...params: unknown[]): Record<string, unknown>[] {
  const db = new Database(path.join(fx.home, "queue_1.sqlite"));
  try {
    return db.prepare(sql).all(...params);
  } finally {
    db.close();
  }
}

async function newSession(): Promise<string> {
  fx.server.enqueue(turn(sse.message("first answer")));
  const r = await runBin(["exec", "--json", ...fx.providerArgs(), "first"], { cwd: fx.work, env: fx.env() });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout.split("\n")[0]!).thread_id;
}

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The user texts of a recorded request's input, in order. */
function userTexts(body: unknown): string[] {
  const input = (body as { input: { role?: string; content?: { text?: string }[] }[] }).input;
  return input.filter((i) => i.role === "user").flatMap((i) => (i.content ?? []).map((c) => c.text ?? ""));
}

describe("codex-ts queue", () => {
  it("stores the message in CODEX_HOME/queue_1.sqlite as Codex 0.169 does (tables, sqlx records, payload, order)", async () => {
    const id = await newSession();
    const first = await runBin(["queue", "--thread", id, "--message", "later, please"], { env: fx.env() });
    expect(first.code).toBe(0);
    const match = /^Queued message (\S+) for thread (\S+)\.\n$/.exec(first.stdout);
    expect(match?.[2]).toBe(id);
    expect(match?.[1]).toMatch(UUID7);
    expect((await runBin(["queue", "--thread", id, "--message", "and this"], { env: fx.env() })).code).toBe(0);

    const rows = query("SELECT id, thread_id, payload_json, queue_order FROM queued_items ORDER BY queue_order");
    expect(rows.map((r) => [r.thread_id, r.queue_order])).toEqual([
      [id, 0],
      [id, 1],
    ]);
    expect(rows[0]!.id).toBe(match?.[1]);
    const payload = JSON.parse(rows[0]!.payload_json as string);
    expect(payload).toEqual({ UserInput: { content: [{ type: "text", text: "later, please", text_elements: [] }], client_id: expect.stringMatching(UUID7) } });
    // The migration records real Codex checks before it opens the file (version, checksum).
    const migrations = query("SELECT version, description, hex(checksum) AS checksum, success FROM _sqlx_migrations ORDER BY version");
    expect(migrations.map((m) => [m.version, m.description, (m.checksum as string).slice(0, 12), m.success])).toEqual([
      [1, "queued items", "CEA113C9A74F", 1],
      [2, "queued thread revisions", "983A2B17B454", 1],
    ]);
    // The triggers keep the per-thread revision other processes watch.
    expect(query("SELECT revision FROM queued_thread_revisions WHERE thread_id = ?", id)).toEqual([{ revision: 2 }]);
  });

  it("finds the thread by exact name; unknown threads, missing flags and bad addresses fail with one line", async () => {
    const id = await newSession();
    const store = await LocalThreadStore.open({ codexHome: fx.home });
    if (!store.ok) throw new Error(store.error.message);
    await store.value.setName(id, "nightly");
    await store.value.close();
    const byName = await runBin(["queue", "--thread", "nightly", "--message", "hi"], { env: fx.env() });
    expect(byName.stdout).toMatch(new RegExp(`for thread ${id}\\.\\n$`));

    const unknown = await runBin(["queue", "--thread", "nobody", "--message", "hi"], { env: fx.env() });
    expect(unknown).toMatchObject({ code: 1, stdout: "", stderr: "Error: No active session found matching 'nobody'.\n" });
    const noRollout = await runBin(["queue", "--thread", "01a25311-a5eb-7200-a509-df8ca0d4f9bb", "--message", "hi"], { env: fx.env() });
    expect(noRollout.code).toBe(1);
    expect(noRollout.stderr).toContain("no rollout found for thread id 01a25311-a5eb-7200-a509-df8ca0d4f9bb");

    const missing = await runBin(["queue", "--thread", id], { env: fx.env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr.split("\n")[0]).toBe("error: the following required arguments were not provided: --message <TEXT>");
    const empty = await runBin(["queue", "--thread", id, "--message", ""], { env: fx.env() });
    expect(empty.code).toBe(2);
    const unknownFlag = await runBin(["queue", "--thread", id, "--message", "x", "--bogus"], { env: fx.env() });
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr.split("\n")[0]).toContain("'--bogus'");
    const badRemote = await runBin(["queue", "--thread", id, "--message", "x", "--remote", "bad://x"], { env: fx.env() });
    expect(badRemote).toMatchObject({ code: 1, stderr: expect.stringContaining("invalid remote address `bad://x`") });
    const refused = await runBin(["queue", "--thread", id, "--message", "x", "--remote", "ws://127.0.0.1:1"], { env: fx.env() });
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining("failed to connect to remote app server at `ws://127.0.0.1:1`") });
    const badOverride = await runBin(["queue", "--thread", id, "--message", "x", "-c", "novalue"], { env: fx.env() });
    expect(badOverride.code).toBe(2);
    expect(badOverride.stderr.split("\n")[0]).toContain("invalid --config value 'novalue'");
    const strict = await runBin(["queue", "--thread", id, "--message", "x", "--strict-config", "-c", "no_such_key=1"], { env: fx.env() });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("no_such_key");
    // Only the one by name was queued.
    expect(query("SELECT COUNT(*) AS n FROM queued_items")).toEqual([{ n: 1 }]);
  });

  it("--resume without a daemon or --remote queues, warns and exits 0 (as Codex)", async () => {
    const id = await newSession();
    const r = await runBin(["queue", "--thread", id, "--message", "x", "--resume"], { env: fx.env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `Warning: message was queued, but could not resume thread ${id}: start a local daemon or specify a server with --remote\n`,
    );
    expect(query("SELECT COUNT(*) AS n FROM queued_items")).toEqual([{ n: 1 }]);
  });

  it("exec resume runs the queued message first (its own turn), then the prompt, and empties the queue", async () => {
    const id = await newSession();
    expect((await runBin(["queue", "--thread", id, "--message", "queued one"], { env: fx.env() })).code).toBe(0);
    fx.server.enqueue(turn(sse.message("did the queued one")), turn(sse.message("did the prompt")));
    const r = await runBin(["exec", "--json", ...fx.providerArgs(), "resume", id, "the prompt"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    const requests = fx.server.responsesRequests().slice(1);
    expect(requests).toHaveLength(2);
    expect(userTexts(requests[0]!.body).at(-1)).toBe("queued one");
    expect(userTexts(requests[1]!.body).slice(-2)).toEqual(["queued one", "the prompt"]);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string });
    expect(events.filter((e) => e.type === "turn.completed")).toHaveLength(2);
    expect(query("SELECT COUNT(*) AS n FROM queued_items")).toEqual([{ n: 0 }]);
  });

  it("a message real Codex queued (its row, written as `codex queue` writes it) is run by codex-ts exec resume", async () => {
    const id = await newSession();
    // Creates the database (ours), then a row exactly as real Codex 0.169 wrote one in the same file.
    await runBin(["queue", "--thread", id, "--message", "ours"], { env: fx.env() });
    const db = new Database(path.join(fx.home, "queue_1.sqlite"));
    db.prepare("DELETE FROM queued_items").run();
    db.prepare("INSERT INTO queued_items VALUES (?, ?, ?, 0, 1796689999127, 1796689999127)").run(
      "01a25311-b517-7603-a0a7-5ed299bc98ac",
      id,
      '{"UserInput":{"content":[{"type":"text","text":"queued hello","text_elements":[]}],"client_id":"01a25311-b50e-7d40-9a93-ba6c902d778e"}}',
    );
    db.close();
    fx.server.enqueue(turn(sse.message("a")), turn(sse.message("b")));
    const r = await runBin(["exec", "--json", ...fx.providerArgs(), "resume", id, "next"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    expect(userTexts(fx.server.responsesRequests()[1]!.body).at(-1)).toBe("queued hello");
    expect(query("SELECT COUNT(*) AS n FROM queued_items")).toEqual([{ n: 0 }]);
  });

  it("--help has the CLI's one layout", async () => {
    const r = await runBin(["queue", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: codex-ts queue [OPTIONS] --thread <THREAD> --message <TEXT>");
    for (const flag of ["--thread", "--message", "--resume", "--remote", "--remote-auth-token-env", "--config", "--enable", "--disable"]) {
      expect(r.stdout).toContain(flag);
    }
  });
});
