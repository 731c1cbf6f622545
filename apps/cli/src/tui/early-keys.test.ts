import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { echoEarlyKeys } from "./early-keys.js";
import { FIRST_FRAME_LINES } from "./first-frame.js";

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

function terminal(columns = 100) {
  const stdin = new PassThrough();
  const written: string[] = [];
  const stdout = { columns, write: (data: string) => written.push(data) };
  return { stdin, stdout, written };
}

/** Lets the stream deliver what was written to it. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Everything a 'readable' reader (as Ink is) gets from stdin, after `handOff`. */
async function readAll(stdin: PassThrough): Promise<string> {
  let text = "";
  stdin.on("readable", () => {
    for (let chunk = stdin.read(); chunk !== null; chunk = stdin.read()) text += String(chunk);
  });
  await tick();
  return text;
}

describe("keys typed at the first frame", () => {
  it("draws plain text in the painted composer, then hands every byte to the next reader", async () => {
    const t = terminal();
    const keys = echoEarlyKeys(t, FIRST_FRAME_LINES.length);
    t.stdin.write("h");
    t.stdin.write("i");
    await tick();
    // Up to the composer row, the line redrawn with the text, back below the frame.
    expect(t.written.at(-1)).toMatch(/^\x1b\[2A\r\x1b\[2K.*\r\x1b\[2B$/);
    expect(t.written.at(-1)?.replace(ANSI, "")).toBe("\r> hi \r");
    keys.handOff();
    expect(await readAll(t.stdin)).toBe("hi");
  });

  it("stops drawing at the first key that is not plain text; those bytes wait for the reader too", async () => {
    const t = terminal();
    const keys = echoEarlyKeys(t, FIRST_FRAME_LINES.length);
    t.stdin.write("ls");
    await tick();
    t.stdin.write("\r");
    await tick();
    t.stdin.write("x\x1b[A");
    await tick();
    expect(t.written).toHaveLength(1);
    keys.handOff();
    keys.handOff();
    expect(await readAll(t.stdin)).toBe("ls\rx\x1b[A");
  });

  it("stops drawing when the text would not fit the row", async () => {
    const t = terminal(10);
    const keys = echoEarlyKeys(t, FIRST_FRAME_LINES.length);
    t.stdin.write("abc");
    await tick();
    t.stdin.write("defgh");
    await tick();
    expect(t.written.map((w) => w.replace(ANSI, ""))).toEqual(["\r> abc \r"]);
    keys.handOff();
    expect(await readAll(t.stdin)).toBe("abcdefgh");
  });

  it("does nothing when no first frame was painted", async () => {
    const t = terminal();
    const keys = echoEarlyKeys(t, 0);
    t.stdin.write("a");
    await tick();
    keys.handOff();
    expect(t.written).toEqual([]);
    expect(await readAll(t.stdin)).toBe("a");
  });
});
