import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodePng, fitPngWithin } from "./png-resize.js";

/** A PNG (colour type 2 = RGB or 6 = RGBA) whose pixel (x, y) is `color(x, y)`. */
function png(width: number, height: number, color: (x: number, y: number) => number[], colorType = 2): Buffer {
  const channels = colorType === 6 ? 4 : 3;
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set(color(x, y), (y * width + x) * channels);
  return encodePng({ width, height, colorType, channels, pixels });
}

/** `bytes` with its first row re-filtered with filter 1 (Sub), to exercise the decoder's unfiltering. */
function subFiltered(bytes: Buffer, channels: number): Buffer {
  const width = bytes.readUInt32BE(16);
  const idat = bytes.indexOf("IDAT");
  const length = bytes.readUInt32BE(idat - 4);
  const raw = zlib.inflateSync(bytes.subarray(idat + 4, idat + 4 + length));
  const stride = width * channels;
  const row = Buffer.from(raw.subarray(1, 1 + stride));
  raw[0] = 1;
  for (let i = channels; i < stride; i++) raw[1 + i] = ((row[i] ?? 0) - (row[i - channels] ?? 0)) & 0xff;
  const body = zlib.deflateSync(raw);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write("IDAT", 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([bytes.subarray(0, idat - 4), head, body, crc, bytes.subarray(idat + 8 + length)]);
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
    const big = subFiltered(png(3000, 1000, (x) => (x < 1500 ? [255, 0, 0] : [0, 0, 255])), 3);
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
