import { describe, expect, it } from "vitest";
import { NotificationGate } from "./notification-gate.js";

describe("NotificationGate", () => {
  it("runs an action (a server request) only after the notifications emitted before it", () => {
    const out: string[] = [];
    const gate = new NotificationGate((method) => out.push(method));
    const written = gate.pause();
    gate.emit("item/started", {});
    gate.run(() => out.push("requestApproval"));
    gate.emit("item/updated", {});
    expect(out).toEqual([]);
    written();
    expect(out).toEqual(["item/started", "requestApproval", "item/updated"]);
    gate.run(() => out.push("at once"));
    expect(out.at(-1)).toBe("at once");
  });

  it("waits for every pause to be lifted", () => {
    const out: string[] = [];
    const gate = new NotificationGate((method) => out.push(method));
    const response = gate.pause();
    const written = gate.pause();
    gate.run(() => out.push("request"));
    written();
    expect(out).toEqual([]);
    response();
    expect(out).toEqual(["request"]);
  });
});
