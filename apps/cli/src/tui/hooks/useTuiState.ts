import { useSyncExternalStore } from "react";
import type { Controller } from "../controller.js";
import type { TuiState } from "../state/types.js";

/** The controller's store, read by components (re-renders on every state change). */
export function useTuiState(controller: Controller): TuiState {
  return useSyncExternalStore(controller.store.subscribe, controller.store.getState);
}
