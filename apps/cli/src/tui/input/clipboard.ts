/**
 * Ctrl-V: the image on the system clipboard, saved as a file the composer attaches as an
 * `[Image #N]` chip (as Codex does: `codex-clipboard-*.png` in the temp folder).
 *
 * Codex reads the clipboard through the `arboard` crate (Wayland data-control, else X11). Node
 * has no clipboard of its own, so on Linux this asks the standard tools instead: `wl-paste`
 * (wl-clipboard) under Wayland, `xclip` under X11. The clipboard's types are listed first; an
 * image type is read as bytes (checked by its signature), and a copied image *file*
 * (`text/uri-list`, what file managers put there) is attached from where it is.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pastedImagePath } from "./paste.js";

/** Why no image was attached; `message` is what the user reads (after "Failed to paste image: "). */
export class ClipboardImageError extends Error {
  constructor(
    readonly reason: "unavailable" | "noImage" | "io",
    detail: string,
  ) {
    const prefix = { unavailable: "clipboard unavailable", noImage: "no image on clipboard", io: "io error" };
    super(`${prefix[reason]}: ${detail}`);
    this.name = "ClipboardImageError";
  }
}

/** Image types taken from the clipboard, best first, with the extension the file gets. */
const IMAGE_TYPES: ReadonlyArray<readonly [mime: string, ext: string]> = [
  ["image/png", ".png"],
  ["image/jpeg", ".jpg"],
  ["image/gif", ".gif"],
  ["image/webp", ".webp"],
];

interface Reader {
  tool: string;
  listTypes: string[];
  read: (mime: string) => string[];
}

const WL_PASTE: Reader = {
  tool: "wl-paste",
  listTypes: ["--list-types"],
  read: (mime) => ["--no-newline", "--type", mime],
};
const XCLIP: Reader = {
  tool: "xclip",
  listTypes: ["-selection", "clipboard", "-t", "TARGETS", "-o"],
  read: (mime) => ["-selection", "clipboard", "-t", mime, "-o"],
};

export interface ClipboardOptions {
  /** PATH, WAYLAND_DISPLAY, DISPLAY and TMPDIR are read from here. */
  env: NodeJS.ProcessEnv;
  /** Where the image file is written (default: `env.TMPDIR`, else the system temp folder). */
  dir?: string;
  /** For a copied file given as a relative path. */
  cwd?: string;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
}

/** Reads the clipboard's image and returns the path of a file holding it. */
export async function clipboardImageFile(options: ClipboardOptions): Promise<string> {
  const reader = pickReader(options);
  const run = (args: string[]) => runTool(reader.tool, args, options);
  const types = (await run(reader.listTypes))
    .toString("utf8")
    .split(/\r?\n/)
    .map((t) => t.trim());
  for (const [mime, ext] of IMAGE_TYPES) {
    if (!types.includes(mime)) continue;
    const bytes = await run(reader.read(mime));
    if (!hasSignature(bytes, mime))
      throw new ClipboardImageError("noImage", `${reader.tool} gave no ${mime} data`);
    return saveImage(bytes, ext, options.dir ?? (options.env.TMPDIR || tmpdir()));
  }
  if (types.includes("text/uri-list")) {
    const uris = (await run(reader.read("text/uri-list"))).toString("utf8").split(/\r?\n/);
    for (const uri of uris) {
      const file = uri.startsWith("#") ? null : pastedImagePath(uri, options.cwd ?? process.cwd());
      if (file) return file;
    }
  }
  const offered = types.filter(Boolean).slice(0, 6).join(", ") || "nothing";
  throw new ClipboardImageError("noImage", `the clipboard holds ${offered}`);
}

function pickReader({ env, platform = process.platform }: ClipboardOptions): Reader {
  if (platform !== "linux")
    throw new ClipboardImageError(
      "unavailable",
      `reading images needs wl-paste or xclip (Linux); not on ${platform}`,
    );
  const candidates: Reader[] = [];
  if (env.WAYLAND_DISPLAY) candidates.push(WL_PASTE);
  if (env.DISPLAY) candidates.push(XCLIP);
  if (candidates.length === 0)
    throw new ClipboardImageError("unavailable", "no display (neither WAYLAND_DISPLAY nor DISPLAY is set)");
  const found = candidates.find((r) => onPath(r.tool, env.PATH ?? ""));
  if (!found) {
    const names = candidates.map((r) => (r === WL_PASTE ? "wl-paste (wl-clipboard)" : "xclip"));
    throw new ClipboardImageError("unavailable", `install ${names.join(" or ")} to paste images`);
  }
  return found;
}

function onPath(tool: string, searchPath: string): boolean {
  return searchPath
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(path.join(dir, tool), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

function runTool(tool: string, args: string[], options: ClipboardOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      args,
      {
        env: options.env,
        encoding: "buffer",
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 5_000,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const said = stderr.toString("utf8").trim().split("\n")[0];
        const why = error.killed ? "timed out" : said || error.message;
        // The tool ran but found nothing usable (no owner, empty selection, unknown type).
        reject(new ClipboardImageError("noImage", `${tool}: ${why}`));
      },
    );
  });
}

function hasSignature(bytes: Buffer, mime: string): boolean {
  const ascii = (from: number, to: number) => bytes.subarray(from, to).toString("latin1");
  switch (mime) {
    case "image/png":
      return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case "image/jpeg":
      return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    case "image/gif":
      return ascii(0, 4) === "GIF8";
    default:
      return ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP";
  }
}

function saveImage(bytes: Buffer, ext: string, dir: string): string {
  const file = path.join(dir, `codex-clipboard-${randomBytes(6).toString("hex")}${ext}`);
  try {
    // A new file only (never follow or overwrite what is there), readable by the user alone.
    writeFileSync(file, bytes, { flag: "wx", mode: 0o600 });
  } catch (error) {
    throw new ClipboardImageError("io", (error as Error).message);
  }
  return file;
}
