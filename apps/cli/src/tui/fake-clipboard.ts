/**
 * Fake `xclip` and `wl-paste` for tests: real executables (shell scripts) that serve a folder as
 * the clipboard, one file per type (`image_png` is `image/png`), and log each call. Test helper
 * (never imported by the TUI).
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface FakeClipboard {
  /** Put on PATH. */
  bin: string;
  /** Replaces the clipboard's content: type → bytes. */
  set(content: Record<string, string | Buffer>): void;
  /** The tools' calls so far, one line each (`xclip -selection clipboard -t TARGETS -o`). */
  calls(): string[];
}

const SCRIPT = (tool: string, clip: string, log: string) => `#!/bin/sh
echo "${tool} $*" >> '${log}'
type=""; list=""
while [ $# -gt 0 ]; do
  case "$1" in
    -t|--type) type="$2"; shift ;;
    --list-types) list=1 ;;
  esac
  shift
done
if [ -n "$list" ] || [ "$type" = TARGETS ]; then
  ls '${clip}' | sed 's#_#/#'
  exit 0
fi
f='${clip}'/$(echo "$type" | sed 's#/#_#')
if [ ! -f "$f" ]; then echo "Error: target $type not available" >&2; exit 1; fi
cat "$f"
`;

/** Installs the fake tools named in `tools` under `root`. */
export function fakeClipboard(root: string, tools: readonly string[] = ["xclip", "wl-paste"]): FakeClipboard {
  const bin = path.join(root, "clipboard-bin");
  const clip = path.join(root, "clipboard");
  const log = path.join(root, "clipboard.log");
  mkdirSync(bin, { recursive: true });
  mkdirSync(clip, { recursive: true });
  writeFileSync(log, "");
  for (const tool of tools) {
    writeFileSync(path.join(bin, tool), SCRIPT(tool, clip, log));
    chmodSync(path.join(bin, tool), 0o755);
  }
  return {
    bin,
    set(content) {
      rmSync(clip, { recursive: true, force: true });
      mkdirSync(clip);
      for (const [type, bytes] of Object.entries(content))
        writeFileSync(path.join(clip, type.replace("/", "_")), bytes);
    },
    calls: () => readFileSync(log, "utf8").split("\n").filter(Boolean),
  };
}

/** A 1×1 PNG. */
export const TINY_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
