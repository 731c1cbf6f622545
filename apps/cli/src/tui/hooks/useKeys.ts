import { useStdin } from "ink";
import { useEffect, useLayoutEffect, useRef } from "react";
import { type Key, parseInput } from "../input/keys.js";

/**
 * Calls `handler` for every key while `active`. Reads Ink's input events (one escape sequence or
 * one run of text each, what `useInput` reads) and parses them with our own key table, which
 * knows Shift+Enter, Ctrl-J and bracketed paste. A bracketed paste arrives as one text key marked
 * `pasted`, however many input events it took.
 *
 * The listener changes hands in the commit that draws the change (a layout effect): with a passive
 * effect, a key arriving after an overlay was drawn but before the effects ran still went to the
 * screen below it (a "y" meant for an approval typed into the composer).
 */
export function useKeys(handler: (key: Key) => void, active = true): void {
  const { internal_eventEmitter: emitter, setRawMode, isRawModeSupported } = useStdin();
  const latest = useRef(handler);
  latest.current = handler;
  const pasting = useRef<string | null>(null);
  useLayoutEffect(() => {
    if (!active) return;
    if (isRawModeSupported) setRawMode(true);
    const onInput = (raw: string) => {
      for (const key of parseInput(raw, pasting.current !== null)) {
        if (key.kind === "pasteStart") pasting.current = "";
        else if (key.kind === "pasteEnd") {
          const text = pasting.current ?? "";
          pasting.current = null;
          if (text !== "") latest.current({ kind: "text", text, pasted: true });
        } else if (pasting.current !== null && key.kind === "text") pasting.current += key.text;
        else latest.current(key);
      }
    };
    emitter.on("input", onInput);
    return () => {
      emitter.off("input", onInput);
      if (isRawModeSupported) setRawMode(false);
    };
  }, [active, emitter, setRawMode, isRawModeSupported]);
}

/**
 * Keeps the terminal in raw mode while mounted. The root holds it, so the count Ink keeps never
 * drops to zero when one key handler goes and the next comes (an overlay closing): Ink would
 * switch raw mode off and on again, and a key arriving meanwhile is echoed by the terminal and
 * its Enter becomes a newline (seen in the pty test: "one⏎" typed as the /hooks browser closed).
 */
export function useRawModeHold(): void {
  const { setRawMode, isRawModeSupported } = useStdin();
  useEffect(() => {
    if (!isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [setRawMode, isRawModeSupported]);
}
