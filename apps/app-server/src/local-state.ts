import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Small server-side state Codex keeps in its own sqlite (thread sections, thread attachments,
 * external-agent import histories), kept here as one JSON document per kind under
 * `<CODEX_HOME>/app-server/`, replaced atomically (temp file + rename) on every change.
 */
export class JsonState<T> {
  readonly file: string;
  readonly #initial: () => T;

  constructor(codexHome: string, name: string, initial: () => T) {
    this.file = path.join(codexHome, "app-server", `${name}.json`);
    this.#initial = initial;
  }

  read(): T {
    try {
      return JSON.parse(readFileSync(this.file, "utf8")) as T;
    } catch {
      return this.#initial();
    }
  }

  /** Applies `change` to the current document and writes the result; returns what `change` returned. */
  update<R>(change: (state: T) => R): R {
    const state = this.read();
    const result = change(state);
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(state, null, 1)}\n`);
    renameSync(temp, this.file);
    return result;
  }
}

/** An opaque offset cursor page of `items`, as the list methods here page. */
export function page<T>(items: readonly T[], cursor: string | null | undefined, limit: number | null | undefined): { data: T[]; nextCursor: string | null } {
  const start = cursor ? Number.parseInt(cursor, 10) : 0;
  const from = Number.isSafeInteger(start) && start >= 0 ? start : 0;
  const end = limit ? from + limit : items.length;
  return { data: items.slice(from, end), nextCursor: end < items.length ? String(end) : null };
}
