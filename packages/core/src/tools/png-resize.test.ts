import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { fitPngWithin } from "./png-resize.js";

/** A PNG (colour type 2 = RGB or 6 = RGBA) whose pixel (x, y) is `color(x, y)`; rows use filter `filter`. */
function png(width: number, height: number, color: (x: number, y: number) => number[], colorType = 2, filter = 0): Buffer {
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < width; x++) {
      const px = color(x, y);
      for (let c = 0; c < channels; c++) {
        const at = y * (stride + 1) + 1 + x * channels + c;
        // filter 1 (Sub): store the difference to the pixel on the left.
        const left = filter === 1 && x > 0 ? (color(x - 1, y)[c] ?? 0) : 0;
        raw[at] = ((px[c] ?? 0) - left) & 0xff;
      }
    }
  }
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, "latin1");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

function pixels(bytes: Buffer): { width: number; height: number; data: Buffer } {
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const idat = bytes.indexOf("IDAT");
  const length = bytes.readUInt32BE(idat - 4);
  return { width, height, data: zlib.inflateSync(bytes.subarray(idat + 4, idat + 4 + length)) };
}

describe("fitPngWithin (view_image's legacy resize)", () => {
  it("scales a large PNG to fit 2048 on its longer side, keeping the aspect ratio, averaging areas", () => {
    // Left half red, right half blue: the scaled image keeps the halves.
    const big = png(3000, 1000, (x) => (x < 1500 ? [255, 0, 0] : [0, 0, 255]), 2, 1);
    const out = pixels(fitPngWithin(big, 2048));
    expect([out.width, out.height]).toEqual([2048, 683]);
    const row = out.data.subarray(1, 1 + 2048 * 3);
    expect([...row.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect([...row.subarray(2047 * 3, 2048 * 3)]).toEqual([0, 0, 255]);
  });

  it("keeps alpha, and leaves small images and what it cannot decode unchanged", () => {
    const rgba = png(4100, 10, () => [10, 20, 30, 40], 6);
    const out = pixels(fitPngWithin(rgba, 2048));
    expect([out.width, out.height]).toEqual([2048, 5]);
    expect([...out.data.subarray(1, 5)]).toEqual([10, 20, 30, 40]);
    const small = png(100, 50, () => [1, 2, 3]);
    expect(fitPngWithin(small, 2048)).toBe(small);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array(40).fill(0)]);
    expect(fitPngWithin(jpeg, 2048)).toBe(jpeg);
  });
});
