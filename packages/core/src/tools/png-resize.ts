/**
 * view_image's legacy path for models without original-detail support: a PNG larger than the
 * limit on either side is scaled down (area average, aspect kept) to fit it and re-encoded, as
 * Codex does before sending `detail: "high"`. Only what zlib can do without an image library:
 * 8-bit, non-interlaced grey/grey+alpha/RGB/RGBA PNGs; anything else is returned unchanged.
 */
import zlib from "node:zlib";

/** Codex's legacy bound: the longer side of a prompt image is at most 2048 pixels. */
export const LEGACY_MAX_IMAGE_SIDE = 2048;

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Channels per colour type (0 grey, 2 RGB, 4 grey+alpha, 6 RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** An 8-bit raster: `pixels` row after row, `channels` bytes per pixel (see CHANNELS). */
export interface Raster {
  width: number;
  height: number;
  colorType: number;
  channels: number;
  pixels: Uint8Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function decode(png: Buffer): Raster | undefined {
  if (png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE)) return undefined;
  let offset = 8;
  let header: { width: number; height: number; bitDepth: number; colorType: number; interlace: number } | undefined;
  const data: Buffer[] = [];
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), bitDepth: body[8] ?? 0, colorType: body[9] ?? 0, interlace: body[12] ?? 0 };
    } else if (type === "IDAT") data.push(body);
    else if (type === "IEND") break;
    offset += 12 + length;
  }
  const channels = header ? CHANNELS[header.colorType] : undefined;
  if (!header || !channels || header.bitDepth !== 8 || header.interlace !== 0) return undefined;
  const { width, height } = header;
  const stride = width * channels;
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(Buffer.concat(data));
  } catch {
    return undefined;
  }
  if (raw.length < (stride + 1) * height) return undefined;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = y * stride;
    const src = y * (stride + 1) + 1;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i] ?? 0;
      const a = i >= channels ? (pixels[row + i - channels] ?? 0) : 0;
      const b = y > 0 ? (pixels[row - stride + i] ?? 0) : 0;
      const c = i >= channels && y > 0 ? (pixels[row - stride + i - channels] ?? 0) : 0;
      const predictor = filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : 0;
      pixels[row + i] = (x + predictor) & 0xff;
    }
  }
  return { width, height, colorType: header.colorType, channels, pixels };
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

/** A PNG of the raster (rows unfiltered, one IDAT). */
export function encodePng(r: Raster): Buffer {
  const stride = r.width * r.channels;
  const raw = Buffer.alloc((stride + 1) * r.height);
  for (let y = 0; y < r.height; y++) raw.set(r.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(r.width, 0);
  ihdr.writeUInt32BE(r.height, 4);
  ihdr[8] = 8;
  ihdr[9] = r.colorType;
  return Buffer.concat([SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** Area-average downscale to `width`×`height`. */
function scale(r: Raster, width: number, height: number): Raster {
  const { channels } = r;
  const out = new Uint8Array(width * height * channels);
  const sums = new Float64Array(channels);
  for (let ty = 0; ty < height; ty++) {
    const y0 = Math.floor((ty * r.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * r.height) / height));
    for (let tx = 0; tx < width; tx++) {
      const x0 = Math.floor((tx * r.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * r.width) / width));
      sums.fill(0);
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const at = (y * r.width + x) * channels;
          for (let c = 0; c < channels; c++) sums[c] = (sums[c] ?? 0) + (r.pixels[at + c] ?? 0);
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const at = (ty * width + tx) * channels;
      for (let c = 0; c < channels; c++) out[at + c] = Math.round((sums[c] ?? 0) / n);
    }
  }
  return { ...r, width, height, pixels: out };
}

/** `bytes` scaled down to fit `maxSide`×`maxSide` when it is a PNG we can decode and larger; else unchanged. */
export function fitPngWithin(bytes: Buffer, maxSide: number): Buffer {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(SIGNATURE)) return bytes;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width <= maxSide && height <= maxSide) return bytes;
  const raster = decode(bytes);
  if (!raster) return bytes;
  const factor = Math.min(maxSide / width, maxSide / height);
  return encodePng(scale(raster, Math.max(1, Math.round(width * factor)), Math.max(1, Math.round(height * factor))));
}
