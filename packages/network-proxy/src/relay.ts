import type net from "node:net";

/**
 * Read buffers for upstream sockets. Node's default reads at most 64 KiB into a freshly allocated
 * buffer each time; a relay moving a download instead reads into pooled buffers that are reused
 * once the write of their bytes completes: no garbage per chunk, and during a bulk transfer up to
 * 1 MiB per read(2) (so a quarter or less of the reads, writes and callbacks). A socket holds one
 * buffer for its next read, so an idle or trickling connection keeps a small one: a read that
 * fills its buffer moves the socket to large buffers, a read shorter than a small buffer back.
 */
export const SMALL_READ_SIZE = 64 * 1024;
export const LARGE_READ_SIZE = 1024 * 1024;

/** Idle buffers kept for later reads, per size (shared by every upstream; bounds the pool's memory). */
const spare = {
  small: { size: SMALL_READ_SIZE, max: 16, buffers: [] as Buffer[] },
  large: { size: LARGE_READ_SIZE, max: 4, buffers: [] as Buffer[] },
};

function takeBuffer(large: boolean): Buffer {
  const pool = large ? spare.large : spare.small;
  return pool.buffers.pop() ?? Buffer.allocUnsafeSlow(pool.size);
}

function giveBack(buffer: Buffer): void {
  const pool = buffer.length === LARGE_READ_SIZE ? spare.large : spare.small;
  if (pool.buffers.length < pool.max) pool.buffers.push(buffer);
}

/**
 * Called with each chunk read from an upstream. The chunk's memory is read into again once the
 * call returns, unless the handler took it with `lend()`. Returning false stops reading until
 * `socket.resume()`.
 */
export type ChunkHandler = (chunk: Buffer) => boolean;

/**
 * The read side of a dialled upstream socket: pass `connectOptions()` to `net.connect`. The socket
 * starts paused and delivers nothing until `start` installs a handler; its bytes never go through
 * the socket's readable stream (`'end'`, `'error'` and `'close'` are still emitted).
 */
export class UpstreamReader {
  private buffer: Buffer | undefined;
  private lent = false;
  /** Whether the next read gets a large buffer (see `LARGE_READ_SIZE`). */
  private large = false;
  private handler: ChunkHandler | undefined;

  /** `net.connect` options that route the socket's reads through this reader. */
  connectOptions(): Pick<net.NetConnectOpts, "onread"> {
    return {
      onread: {
        // Node asks for the buffer of the next read after every read (and once at the start).
        buffer: () => this.nextBuffer(),
        callback: (bytes, buffer) => this.onRead(bytes, buffer as Buffer),
      },
    };
  }

  /** Begin (or switch) delivering chunks to `handler`, and start reading. */
  start(socket: net.Socket, handler: ChunkHandler): void {
    this.handler = handler;
    socket.resume();
  }

  /** Switch the handler without touching the reading state (from inside a handler). */
  setHandler(handler: ChunkHandler): void {
    this.handler = handler;
  }

  /**
   * Take ownership of the chunk being handled (call only from inside the handler): its buffer is
   * not read into again until the returned function is called.
   */
  lend(): () => void {
    const buffer = this.buffer as Buffer;
    this.lent = true;
    return () => giveBack(buffer);
  }

  /** Return the idle buffer to the pool once the socket is closed (no read can use it any more). */
  release(): void {
    if (this.buffer && !this.lent) giveBack(this.buffer);
    this.buffer = undefined;
  }

  private nextBuffer(): Buffer {
    const current = this.buffer;
    if (current !== undefined && !this.lent && (current.length === LARGE_READ_SIZE) === this.large)
      return current;
    if (current !== undefined && !this.lent) giveBack(current);
    this.buffer = takeBuffer(this.large);
    this.lent = false;
    return this.buffer;
  }

  private onRead(bytes: number, buffer: Buffer): boolean {
    this.buffer = buffer;
    if (bytes === buffer.length) this.large = true;
    else if (bytes < SMALL_READ_SIZE) this.large = false;
    const handler = this.handler;
    // Unreachable while paused; a chunk without a handler is dropped rather than misdelivered.
    if (!handler) return false;
    return handler(buffer.subarray(0, bytes));
  }
}

/**
 * A handler that writes every chunk to `destination` without copying it (the buffer goes back to
 * the pool when the write completes) and stops reading while `destination`'s buffer is full.
 */
export function forwardTo(source: net.Socket, reader: UpstreamReader, destination: net.Socket): ChunkHandler {
  const resume = () => source.resume();
  return (chunk) => {
    if (destination.destroyed) {
      // Nobody left to deliver to (pipe would just stop; nothing would ever read the rest).
      source.destroy();
      return false;
    }
    const release = reader.lend();
    const more = destination.write(chunk, (err) => {
      if (!err) release();
    });
    if (!more) destination.once("drain", resume);
    return more;
  };
}

/**
 * Relay bytes both ways between a client and a dialled upstream (ends propagate, so buffered data
 * is flushed; an error on one side destroys the other). Client → upstream is a plain `pipe`;
 * upstream → client goes through the upstream's pooled reads.
 */
export function relayBoth(client: net.Socket, upstream: net.Socket, reader: UpstreamReader): void {
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream);
  upstream.once("end", () => client.end());
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
  reader.start(upstream, forwardTo(upstream, reader, client));
}
