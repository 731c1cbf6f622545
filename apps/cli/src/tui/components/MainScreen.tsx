import { Box } from "ink";
import { useRef, useState } from "react";
import { cancelAnswer, type Controller } from "../controller.js";
import { useKeys } from "../hooks/useKeys.js";
import { useTuiState } from "../hooks/useTuiState.js";
import { mainKeyEffect } from "../input/mainKeys.js";
import { matchSlashCommands, submitText } from "../slash.js";
import { type ComposerAction, composerReduce, emptyComposer } from "../state/composer.js";
import { ApprovalOverlay } from "./ApprovalOverlay.js";
import { Composer } from "./Composer.js";
import { ResumePicker } from "./ResumePicker.js";
import { SlashPopup } from "./SlashPopup.js";
import { StatusLine } from "./StatusLine.js";
import { Transcript } from "./Transcript.js";
import { WorkingIndicator } from "./WorkingIndicator.js";

/** The conversation: transcript above; below it an overlay, or the composer with its popup. */
export function MainScreen({ controller }: { controller: Controller }) {
  const state = useTuiState(controller);
  // The composer is read by the key handler synchronously: several keys can arrive in one input
  // event (typing "hi⏎" fast), before React renders the first one's change.
  const composerRef = useRef(emptyComposer);
  const [composer, setComposer] = useState(emptyComposer);
  const edit = (action: ComposerAction) => {
    composerRef.current = composerReduce(composerRef.current, action);
    setComposer(composerRef.current);
  };
  const [popupIndex, setPopupIndex] = useState(0);
  const overlay = state.pending[0];
  const popup = matchSlashCommands(composer.text);

  const submit = (text: string) => {
    edit({ type: "clear" });
    void submitText(controller, text);
  };

  useKeys(
    (key) => {
      const { text } = composerRef.current;
      const popup = matchSlashCommands(text);
      const current = controller.state;
      const effect = mainKeyEffect(key, {
        text,
        turnRunning: current.turn !== null,
        quitArmed: current.quitArmed,
        history: controller.history,
        popupOpen: popup.length > 0,
      });
      if (effect.type !== "armQuit" && effect.type !== "none")
        controller.store.dispatch({ type: "quitArmed", armed: false });
      switch (effect.type) {
        case "composer":
          edit(effect.action);
          if (effect.action.type === "insert" || effect.action.type === "backspace") setPopupIndex(0);
          return;
        case "submit":
          submit(effect.text);
          return;
        case "complete": {
          const chosen = popup[Math.min(popupIndex, popup.length - 1)];
          if (!chosen) return;
          if (effect.run) submit(`/${chosen.name}`);
          else edit({ type: "set", text: `/${chosen.name} ` });
          return;
        }
        case "popupMove":
          setPopupIndex((i) => (i + effect.delta + popup.length) % popup.length);
          return;
        case "interrupt":
          void controller.interrupt();
          return;
        case "armQuit":
          controller.store.dispatch({ type: "quitArmed", armed: true });
          return;
        case "quit":
          controller.quit();
          return;
        case "none":
          return;
      }
    },
    overlay === undefined && state.picker === null,
  );

  return (
    <Box flexDirection="column">
      <Transcript state={state} />
      <Box flexDirection="column" paddingTop={1}>
        {state.picker ? (
          <ResumePicker
            threads={state.picker.threads}
            title={state.picker.mode === "fork" ? "Fork a previous session" : "Resume a previous session"}
            onPick={(thread) => void controller.pick(thread.id)}
            onCancel={() => controller.closePicker()}
          />
        ) : overlay ? (
          <ApprovalOverlay
            key={String(overlay.requestId)}
            pending={overlay}
            onAnswer={(result) => controller.answer(overlay, result)}
            onCancel={() => controller.answer(overlay, cancelAnswer(overlay))}
          />
        ) : (
          <>
            {state.turn ? <WorkingIndicator since={state.turn.startedAt} /> : null}
            <Composer composer={composer} glyph={state.session ? "›" : ">"} />
            {popup.length > 0 ? (
              <SlashPopup commands={popup} selected={Math.min(popupIndex, popup.length - 1)} />
            ) : null}
          </>
        )}
        <StatusLine state={state} />
      </Box>
    </Box>
  );
}
