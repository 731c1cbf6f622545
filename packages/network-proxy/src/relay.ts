import type net from "node:net";

/** Relay bytes both ways (ends propagate, so buffered data is flushed); an error on one side destroys the other. */
export function pipeBoth(a: net.Socket, b: net.Socket): void {
  a.pipe(b);
  b.pipe(a);
  a.on("error", () => b.destroy());
  b.on("error", () => a.destroy());
}
