/**
 * `view_image`: attach a local image to the conversation. The MIME type comes from the file's
 * bytes, not its name; anything that is not a PNG/JPEG/GIF/WebP image is refused with a message
 * to the model and never uploaded.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import * as z from "zod";
import { parseArguments } from "./args.js";
import type { FunctionToolSpec, ToolHandler } from "./types.js";
import { modelSupportsOriginalImageDetail } from "../client/catalog.js";
import { checkReadable, effectivePermissions } from "../permissions/effective.js";
import { fitPngWithin, LEGACY_MAX_IMAGE_SIDE } from "./png-resize.js";

/** The real path of an open file (Linux: through /proc; elsewhere: the path's realpath). */
async function openedPath(handle: fs.FileHandle, fallback: string): Promise<string> {
  try {
    return await fs.readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return fs.realpath(fallback);
  }
}

/** Images larger than this are refused rather than inlined. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export type SniffedImage =
  | { kind: "supported"; mime: "image/png" | "image/jpeg" | "image/gif" | "image/webp" }
  | { kind: "unsupported"; format: string }
  | { kind: "not_an_image" };

function startsWith(bytes: Uint8Array, sig: number[], offset = 0): boolean {
  return sig.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** Identify an image format from its leading bytes. */
export function sniffImage(bytes: Uint8Array): SniffedImage {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: "supported", mime: "image/png" };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: "supported", mime: "image/jpeg" };
  const head6 = ascii(bytes, 0, 6);
  if (head6 === "GIF87a" || head6 === "GIF89a") return { kind: "supported", mime: "image/gif" };
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return { kind: "supported", mime: "image/webp" };
  if (ascii(bytes, 0, 2) === "BM") return { kind: "unsupported", format: "BMP" };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: "unsupported", format: "TIFF" };
  }
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return { kind: "unsupported", format: "ICO" };
  const brand = ascii(bytes, 4, 12);
  if (brand === "ftypheic" || brand === "ftypheix" || brand === "ftypmif1" || brand === "ftypmsf1") {
    return { kind: "unsupported", format: "HEIC/HEIF" };
  }
  if (brand === "ftypavif") return { kind: "unsupported", format: "AVIF" };
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 512)).trimStart();
  if (text.startsWith("<svg") || (text.startsWith("<?xml") && text.includes("<svg"))) {
    return { kind: "unsupported", format: "SVG" };
  }
  return { kind: "not_an_image" };
}

export function viewImageSpec(): FunctionToolSpec {
  return {
    type: "function",
    name: "view_image",
    description:
      "Look at a local image file (use only when the user gave a full file path and the image is not already attached to the conversation).",
    strict: false,
    parameters: {
      type: "object",
      properties: {
        path: { type: "string", description: "Local filesystem path to an image file." },
      },
      required: ["path"],
      additionalProperties: false,
    },
  };
}

const Args = z.object({ path: z.string().min(1), detail: z.enum(["high", "original"]).optional() });

export function viewImageHandler(): ToolHandler {
  return {
    spec: viewImageSpec(),
    async handle(call, ctx) {
      const args = parseArguments(call, Args);
      if (!args.ok) return { output: args.error, success: false };
      const abs = path.resolve(ctx.cwd, args.value.path);
      // Reads go through the turn's effective permissions (restricted reads, deny-read globs).
      const permissions = effectivePermissions(ctx);
      const readable = checkReadable(permissions, abs);
      if (!readable.ok) return { output: `cannot read \`${abs}\`: ${readable.reason}`, success: false };
      let bytes: Buffer;
      let handle: fs.FileHandle | undefined;
      try {
        handle = await fs.open(abs, "r");
        // Judge the file actually opened (a symlink swapped after the check points elsewhere).
        const opened = await openedPath(handle, abs);
        const still = checkReadable(permissions, opened);
        if (!still.ok) return { output: `cannot read \`${abs}\`: ${still.reason}`, success: false };
        const stat = await handle.stat();
        if (!stat.isFile()) return { output: `image path \`${abs}\` is not a file`, success: false };
        if (stat.size > MAX_IMAGE_BYTES) {
          return {
            output: `image at \`${abs}\` is too large (${stat.size} bytes; the limit is ${MAX_IMAGE_BYTES})`,
            success: false,
          };
        }
        bytes = await handle.readFile();
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
        return { output: `unable to locate image at \`${abs}\`: ${reason}`, success: false };
      } finally {
        await handle?.close();
      }
      const sniffed = sniffImage(bytes);
      if (sniffed.kind === "not_an_image") {
        return { output: `\`${abs}\` is not an image file; view_image only accepts PNG, JPEG, GIF or WebP images`, success: false };
      }
      if (sniffed.kind === "unsupported") {
        return {
          output: `\`${abs}\` is a ${sniffed.format} image, which is not supported; convert it to PNG, JPEG, GIF or WebP first`,
          success: false,
        };
      }
      // As Codex 0.169: models whose catalog entry supports it get the original bytes at
      // `detail: "original"`; the others get `high`, large PNGs scaled down to fit 2048×2048.
      const original = args.value.detail !== "high" && modelSupportsOriginalImageDetail(ctx.model ?? "");
      if (!original) bytes = fitPngWithin(bytes, LEGACY_MAX_IMAGE_SIDE);
      const id = call.callId;
      ctx.emit({ type: "item_started", item: { type: "image_view", id, path: abs }, started_at_ms: Date.now() });
      ctx.emit({ type: "item_completed", item: { type: "image_view", id, path: abs }, completed_at_ms: Date.now() });
      return {
        output: [
          {
            type: "input_image",
            image_url: `data:${sniffed.mime};base64,${bytes.toString("base64")}`,
            detail: original ? "original" : "high",
          },
        ],
        success: true,
      };
    },
  };
}
