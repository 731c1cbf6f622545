import { describe, expect, it } from "vitest";
import { describeZodError } from "../src/jsonrpc.js";
import { createOfficialSchemaValidator } from "../src/v2/conformance.js";
import { OFFICIAL_SCHEMA_DIR, type TranscriptEntry, classify, readTranscript } from "./harness.js";

const validator = createOfficialSchemaValidator(OFFICIAL_SCHEMA_DIR);

function check(entries: TranscriptEntry[]): { covered: Set<string>; problems: string[] } {
  const covered = new Set<string>();
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    const where = `#${index} ${String(entry.message.method ?? `response to ${entry.responseTo}`)}`;
    const options = entry.responseTo ? { responseTo: entry.responseTo } : {};
    // 1. the fixture itself is a valid official message
    const official = validator.validateMessage(entry.message, options);
    if (!official.valid) problems.push(`${where}: fixture fails the official schema: ${official.errors}`);
    const c = classify(entry);
    if (c.kind === "other" || c.kind === "uncovered") return;
    // 2. our schema reads it
    const parsed = c.schema.safeParse(c.value);
    if (!parsed.success) {
      problems.push(`${where}: our schema rejects it: ${describeZodError(parsed.error)}`);
      return;
    }
    covered.add(`${c.kind}:${c.method}`);
    // 3. what we write back (canonical form) is valid too
    const written = JSON.parse(JSON.stringify(c.frame(parsed.data))) as unknown;
    const again = validator.validateMessage(written, options);
    if (!again.valid) problems.push(`${where}: our canonical form fails the official schema: ${again.errors}`);
  });
  return { covered, problems };
}

describe("conformance with the official Codex 0.169 schema", () => {
  it("real app-server session captured from codex 0.169.0", () => {
    const entries = readTranscript("codex-0.169/app-server-session.jsonl");
    const { covered, problems } = check(entries);
    expect(problems).toEqual([]);
    for (const method of ["thread/start", "turn/start", "thread/read", "thread/list", "initialize"]) {
      expect(covered, method).toContain(`clientRequest:${method}`);
      expect(covered, method).toContain(`response:${method}`);
    }
    expect(covered).toContain("serverRequest:item/commandExecution/requestApproval");
    expect(covered).toContain("response:item/commandExecution/requestApproval");
    expect(covered).toContain("serverNotification:item/completed");
  });

  it("second real session: approvals declined, user input, dynamic tool, steer/interrupt, goals, compaction, config, command/exec", () => {
    const entries = readTranscript("codex-0.169/app-server-session-2.jsonl");
    const { covered, problems } = check(entries);
    expect(problems).toEqual([]);
    for (const method of [
      "thread/fork",
      "thread/resume",
      "thread/archive",
      "thread/unarchive",
      "thread/goal/set",
      "thread/goal/clear",
      "thread/compact/start",
      "turn/steer",
      "turn/interrupt",
      "config/value/write",
      "config/batchWrite",
      "command/exec/write",
      "command/exec/terminate",
    ]) {
      expect(covered, method).toContain(`response:${method}`);
    }
    expect(covered).toContain("serverRequest:item/tool/call");
    expect(covered).toContain("serverRequest:item/tool/requestUserInput");
    expect(covered).toContain("response:item/tool/requestUserInput");
  });
});
