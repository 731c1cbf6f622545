import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("thread sections, attachments, metadata, turns/list and delete", () => {
  it("persist across a restart and answer Codex's errors", async () => {
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const sections = await s.request("threadSection/list", {});
    expect(sections.result).toEqual({ data: [{ id: "01984de2-8f74-7c91-a3b2-5c5e937cf318", name: "Pinned", appearance: null }], nextCursor: null });
    const created = (await s.request("threadSection/create", { name: " Work " })).result as { section: { id: string; name: string } };
    expect(created.section.name).toBe("Work");
    expect(await s.request("thread/section/move", { threadId: thread.id, sectionId: created.section.id })).toEqual({ result: {} });
    expect((await s.request("thread/section/move", { threadId: thread.id, sectionId: "nope" })).error).toEqual({ code: -32600, message: "section nope does not exist" });
    expect((await s.request("threadSection/update", { sectionId: "nope", name: "x" })).error).toEqual({ code: -32602, message: "thread section not found: nope" });
    const added = (await s.request("thread/attachment/add", { threadId: thread.id, attachmentType: "pr", identityKey: "gh/1", payload: { n: 1 } })).result as { outcome: string; attachment: { id: string } };
    expect(added.outcome).toBe("created");
    const again = (await s.request("thread/attachment/add", { threadId: thread.id, attachmentType: "pr", identityKey: "gh/1", payload: { n: 2 } })).result as { outcome: string; attachment: { id: string } };
    expect(again).toMatchObject({ outcome: "existing", attachment: { id: added.attachment.id, payload: { n: 1 } } });
    expect((await s.request("thread/metadata/update", { threadId: thread.id })).error).toEqual({ code: -32600, message: "thread metadata update must include at least one field" });
    const updated = (await s.request("thread/metadata/update", { threadId: thread.id, gitInfo: { branch: "main" } })).result as { thread: { gitInfo: unknown } };
    expect(updated.thread.gitInfo).toMatchObject({ branch: "main" });
    expect(await s.close()).toBe(0);

    const t = await fx.boot();
    const listed = (await t.request("threadSection/list", {})).result as { data: { name: string }[] };
    expect(listed.data.map((x) => x.name)).toEqual(["Pinned", "Work"]);
    expect((await t.request("thread/attachment/list", { threadId: thread.id })).result).toMatchObject({ data: [{ attachmentType: "pr", identityKey: "gh/1", payload: { n: 1 } }], nextCursor: null });
    expect((await t.request("thread/attachmentOwner/list", { attachmentType: "pr", identityKey: "gh/1" })).result).toEqual({ data: [{ threadId: thread.id, archived: false }], nextCursor: null });
    expect((await t.request("thread/turns/list", { threadId: thread.id })).result).toEqual({ data: [], nextCursor: null, backwardsCursor: null });
    expect(await t.request("thread/delete", { threadId: thread.id })).toEqual({ result: {} });
    expect((await t.request("thread/read", { threadId: thread.id })).error?.code).toBe(-32600);
  });
});
