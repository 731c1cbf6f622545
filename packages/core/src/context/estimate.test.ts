import type { ResponseItem } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { encodePng } from "../tools/png-resize.js";
import { estimateItemTokens, estimateTokensAfterLastModelItem, imageSize } from "./estimate.js";

const png = (width: number, height: number) =>
  encodePng({ width, height, colorType: 0, channels: 1, pixels: new Uint8Array(width * height) });

function imageOutput(bytes: Buffer, detail: "high" | "original"): ResponseItem {
  return {
    type: "function_call_output",
    call_id: "v1",
    output: [{ type: "input_image", image_url: `data:image/png;base64,${bytes.toString("base64")}`, detail }],
  } as ResponseItem;
}

describe("history token estimates (Codex's heuristic)", () => {
  it("costs an original-detail image by its 32px patches (at most 10,000), any other image a fixed 7,373 bytes", () => {
    const big = png(3000, 1000);
    const wrapper = (item: ResponseItem, payloadLength: number) => Math.ceil((JSON.stringify(item).length - payloadLength) / 4);
    const original = imageOutput(big, "original");
    const high = imageOutput(big, "high");
    const payload = big.toString("base64").length;
    // 94 × 32 patches = 3,008 tokens on top of the JSON around the payload.
    expect(estimateItemTokens(original)).toBe(wrapper(original, payload) + 3008);
    expect(estimateItemTokens(high)).toBe(Math.ceil((JSON.stringify(high).length - payload + 7373) / 4));
    const huge = imageOutput(png(6400, 3200), "original");
    expect(estimateItemTokens(huge)).toBe(wrapper(huge, png(6400, 3200).toString("base64").length) + 10_000);
  });

  it("counts only what entered the history after the model's last output", () => {
    const user = { type: "message", role: "user", content: [{ type: "input_text", text: "x".repeat(400) }] } as ResponseItem;
    const call = { type: "function_call", call_id: "v1", name: "view_image", arguments: "{}" } as ResponseItem;
    const output = imageOutput(png(64, 64), "original");
    expect(estimateTokensAfterLastModelItem([user, call, output])).toBe(estimateItemTokens(output));
    expect(estimateTokensAfterLastModelItem([user])).toBe(estimateItemTokens(user));
    expect(estimateTokensAfterLastModelItem([user, call])).toBe(0);
  });

  it("reads image sizes from PNG, GIF, JPEG and WebP headers", () => {
    expect(imageSize(png(300, 20))).toEqual({ width: 300, height: 20 });
    const gif = Buffer.from([...Buffer.from("GIF89a"), 0x2c, 0x01, 0x14, 0x00]);
    expect(imageSize(gif)).toEqual({ width: 300, height: 20 });
    // SOI, APP0 (length 4), SOF0: length, precision, height 20, width 300.
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x14, 0x01, 0x2c, 0x03, 0, 0]);
    expect(imageSize(jpeg)).toEqual({ width: 300, height: 20 });
    const webp = Buffer.alloc(30);
    webp.write("RIFF", 0, "latin1");
    webp.write("WEBPVP8X", 8, "latin1");
    webp.writeUIntLE(299, 24, 3);
    webp.writeUIntLE(19, 27, 3);
    expect(imageSize(webp)).toEqual({ width: 300, height: 20 });
    expect(imageSize(Buffer.from("not an image"))).toBeUndefined();
  });
});
