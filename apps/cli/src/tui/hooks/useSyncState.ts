import { useRef, useState } from "react";

/**
 * State a key handler reads at once. Several keys can arrive in one input event (typing
 * "apples⏎" fast, Down then Enter); the handler runs for each before React renders the first
 * one's change, so it must read `ref.current`, which `set` updates synchronously.
 */
export function useSyncState<T>(
  initial: T,
): [value: T, set: (next: T | ((previous: T) => T)) => void, ref: { readonly current: T }] {
  const ref = useRef(initial);
  const [value, setValue] = useState(initial);
  const set = (next: T | ((previous: T) => T)) => {
    ref.current = typeof next === "function" ? (next as (previous: T) => T)(ref.current) : next;
    setValue(ref.current);
  };
  return [value, set, ref];
}
