import type { Controller } from "../controller.js";
import { useRawModeHold } from "../hooks/useKeys.js";
import { MainScreen } from "./MainScreen.js";
import { TrustPrompt } from "./TrustPrompt.js";

export interface AppProps {
  controller: Controller;
  /** Set while the folder's trust is undecided: the trust prompt comes first. */
  trust?: { cwd: string; onChoice: (trusted: boolean) => void };
}

/** The root: the trust prompt, or the conversation. */
export function App({ controller, trust }: AppProps) {
  useRawModeHold();
  return trust ? (
    <TrustPrompt cwd={trust.cwd} onChoice={trust.onChoice} />
  ) : (
    <MainScreen controller={controller} />
  );
}
