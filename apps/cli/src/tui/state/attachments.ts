/**
 * What the composer holds besides plain text: images (`[Image #N]`) and large pastes
 * (`[Pasted Content N chars]`), each shown as a placeholder in the text. Pure.
 *
 * Images are numbered in the order their placeholders appear, #1 upwards, and renumbered when one
 * is removed, so the numbers the user sees are the numbers the model is told (as Codex does).
 */
import type { v2 } from "@codex-ts/protocol";

export type Attachment =
  | { kind: "image"; placeholder: string; path: string }
  | { kind: "paste"; placeholder: string; text: string };

/** Pastes longer than this are collapsed into a placeholder (Codex's threshold). */
export const LARGE_PASTE_CHARS = 1000;

export const imagePlaceholder = (n: number) => `[Image #${n}]`;

/** `[Pasted Content 1234 chars]`, with ` #2`, ` #3`… when the same size is pasted again. */
export function pastePlaceholder(text: string, existing: readonly Attachment[]): string {
  const base = `[Pasted Content ${text.length} chars]`;
  const taken = new Set(existing.map((a) => a.placeholder));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, -1)} #${n}]`;
    if (!taken.has(candidate)) return candidate;
  }
}

export interface Placed {
  text: string;
  cursor: number;
  attachments: Attachment[];
}

/**
 * After an edit: attachments whose placeholder left the text are dropped; images are renumbered
 * in text order (the cursor follows a placeholder that changed length).
 */
export function reconcile({ text, cursor, attachments }: Placed): Placed {
  const kept = attachments.filter((a) => text.includes(a.placeholder));
  const images = kept
    .filter((a): a is Extract<Attachment, { kind: "image" }> => a.kind === "image")
    .map((a) => ({ a, at: text.indexOf(a.placeholder) }))
    .sort((x, y) => x.at - y.at);
  if (images.every(({ a }, i) => a.placeholder === imagePlaceholder(i + 1))) {
    return kept.length === attachments.length
      ? { text, cursor, attachments }
      : { text, cursor, attachments: kept };
  }
  const renamed = new Map<Attachment, Attachment>();
  // From the last placeholder to the first, so earlier positions stay valid.
  for (let i = images.length - 1; i >= 0; i--) {
    const { a, at } = images[i]!;
    const next = imagePlaceholder(i + 1);
    if (next === a.placeholder) continue;
    text = text.slice(0, at) + next + text.slice(at + a.placeholder.length);
    if (cursor >= at + a.placeholder.length) cursor += next.length - a.placeholder.length;
    renamed.set(a, { ...a, placeholder: next });
  }
  return { text, cursor, attachments: kept.map((a) => renamed.get(a) ?? a) };
}

/** The attachment whose placeholder ends right at `cursor` (Backspace removes it whole). */
export function placeholderEndingAt(text: string, cursor: number, attachments: readonly Attachment[]) {
  return attachments.find(
    (a) =>
      cursor >= a.placeholder.length && text.slice(cursor - a.placeholder.length, cursor) === a.placeholder,
  );
}

/** The next image's placeholder number (before renumbering puts it in text order). */
export function nextImageNumber(attachments: readonly Attachment[]): number {
  return attachments.filter((a) => a.kind === "image").length + 1;
}

/**
 * The turn's input for the composer's content: the text with pastes expanded and each image
 * placeholder marked as a text element, then the images in their numbered order.
 */
export function composerInput(text: string, attachments: readonly Attachment[]): v2.UserInput[] {
  let expanded = text;
  for (const a of attachments) if (a.kind === "paste") expanded = expanded.split(a.placeholder).join(a.text);
  const images = attachments
    .filter((a): a is Extract<Attachment, { kind: "image" }> => a.kind === "image")
    .map((a) => ({ a, at: expanded.indexOf(a.placeholder) }))
    .filter(({ at }) => at !== -1)
    .sort((x, y) => x.at - y.at);
  const textElements: v2.TextElement[] = images.map(({ a, at }) => {
    const start = Buffer.byteLength(expanded.slice(0, at));
    return {
      byteRange: { start, end: start + Buffer.byteLength(a.placeholder) },
      placeholder: a.placeholder,
    };
  });
  return [
    { type: "text", text: expanded, text_elements: textElements },
    ...images.map(({ a }): v2.UserInput => ({ type: "localImage", path: a.path, detail: null })),
  ];
}
