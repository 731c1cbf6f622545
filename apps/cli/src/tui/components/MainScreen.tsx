import { Box } from "ink";
import { type ReactNode, useRef, useState } from "react";
import { type EarlierMessage, revertTo, userMessages } from "../backtrack.js";
import { type Controller, cancelAnswer, errorText } from "../controller.js";
import { useKeys } from "../hooks/useKeys.js";
import { type MentionPopup as Popup, useMentionPopup } from "../hooks/useMentionPopup.js";
import { useTuiState } from "../hooks/useTuiState.js";
import { clipboardImageFile } from "../input/clipboard.js";
import { type Effect, mainKeyEffect } from "../input/mainKeys.js";
import { pastedImagePath } from "../input/paste.js";
import { matchSlashCommands, parseSlash, submitText } from "../slash.js";
import { imagePlaceholder } from "../state/attachments.js";
import { backgroundSummary } from "../state/background.js";
import { type ComposerAction, composerReduce, emptyComposer } from "../state/composer.js";
import { completeToken } from "../state/mentions.js";
import { ApprovalOverlay } from "./ApprovalOverlay.js";
import { BacktrackOverlay } from "./BacktrackOverlay.js";
import { Composer } from "./Composer.js";
import { FormOverlay } from "./FormOverlay.js";
import { HooksBrowser } from "./HooksBrowser.js";
import { MentionPopup } from "./MentionPopup.js";
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
  const [dismissed, setDismissed] = useState(false);
  const [backtrack, setBacktrack] = useState<EarlierMessage[] | null>(null);
  const overlay = state.pending[0];
  const slash = matchSlashCommands(composer.text);
  const mention = useMentionPopup(controller, composer.text, composer.cursor, dismissed || slash.length > 0);
  const mentionRef = useRef<Popup | null>(null);
  mentionRef.current = mention;

  const submit = (text: string) => {
    const { attachments } = composerRef.current;
    edit({ type: "clear" });
    const command = parseSlash(text);
    // /mention starts a file mention in the composer.
    if (command?.name === "mention") edit({ type: "set", text: `@${command.args}` });
    else void submitText(controller, text, attachments);
  };

  const perform = (effect: Effect) => {
    const popup = matchSlashCommands(composerRef.current.text);
    const mentioned = mentionRef.current;
    switch (effect.type) {
      case "composer":
        edit(effect.action);
        if (effect.action.type !== "up" && effect.action.type !== "down") {
          setPopupIndex(0);
          setDismissed(false);
        }
        return;
      case "paste": {
        const image = pastedImagePath(effect.text, controller.cwd);
        edit(image ? { type: "attachImage", path: image } : { type: "paste", text: effect.text });
        return;
      }
      case "pasteImage":
        clipboardImageFile({ env: controller.env, cwd: controller.cwd }).then(
          (file) => edit({ type: "attachImage", path: file }),
          (error) => controller.cell({ kind: "error", text: `Failed to paste image: ${errorText(error)}` }),
        );
        return;
      case "submit":
        submit(effect.text);
        return;
      case "complete": {
        if (popup.length > 0) {
          const chosen = popup[Math.min(popupIndex, popup.length - 1)]!;
          if (effect.run) submit(`/${chosen.name}`);
          else edit({ type: "set", text: `/${chosen.name} ` });
        } else if (mentioned && mentioned.entries.length > 0) {
          const entry = mentioned.entries[Math.min(popupIndex, mentioned.entries.length - 1)]!;
          const done = completeToken(composerRef.current.text, mentioned.token, entry);
          edit({
            type: "splice",
            start: 0,
            end: composerRef.current.text.length,
            text: done.text,
            cursor: done.cursor,
          });
        }
        setPopupIndex(0);
        return;
      }
      case "popupMove": {
        const size = popup.length || mentioned?.entries.length || 1;
        setPopupIndex((i) => (Math.min(i, size - 1) + effect.delta + size) % size);
        return;
      }
      case "dismissPopup":
        setDismissed(true);
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
      case "cycleMode":
        controller.cycleMode();
        return;
      case "armBacktrack":
        controller.store.dispatch({ type: "backtrackArmed", armed: true });
        return;
      case "backtrack": {
        const messages = userMessages(controller);
        if (messages.length === 0) controller.cell({ kind: "info", text: "No earlier message to edit." });
        else setBacktrack(messages);
        return;
      }
      case "none":
        return;
    }
  };

  useKeys(
    (key) => {
      const { text } = composerRef.current;
      const current = controller.state;
      const mentioned = mentionRef.current;
      const popup =
        matchSlashCommands(text).length > 0
          ? "slash"
          : mentioned && mentioned.entries.length > 0
            ? "mention"
            : null;
      const effect = mainKeyEffect(key, {
        text,
        turnRunning: current.turn !== null,
        quitArmed: current.quitArmed,
        backtrackArmed: current.backtrackArmed,
        history: controller.history,
        popup,
      });
      if (effect.type !== "armQuit" && effect.type !== "none")
        controller.store.dispatch({ type: "quitArmed", armed: false });
      if (effect.type !== "armBacktrack") controller.store.dispatch({ type: "backtrackArmed", armed: false });
      perform(effect);
    },
    overlay === undefined && state.picker === null && backtrack === null && state.hooks === null,
  );

  const editMessage = (message: EarlierMessage) => {
    setBacktrack(null);
    const attachments = message.images.map((path, i) => ({
      kind: "image" as const,
      placeholder: imagePlaceholder(i + 1),
      path,
    }));
    void revertTo(controller, message).then(() => {
      edit({ type: "set", text: message.text, attachments });
    });
  };

  let bottom: ReactNode;
  if (state.picker) {
    bottom = (
      <ResumePicker
        threads={state.picker.threads}
        title={state.picker.mode === "fork" ? "Fork a previous session" : "Resume a previous session"}
        onPick={(thread) => void controller.pick(thread.id)}
        onCancel={() => controller.closePicker()}
      />
    );
  } else if (state.hooks) {
    bottom = <HooksBrowser controller={controller} hooks={state.hooks} />;
  } else if (backtrack) {
    bottom = (
      <BacktrackOverlay messages={backtrack} onPick={editMessage} onCancel={() => setBacktrack(null)} />
    );
  } else if (overlay && (overlay.kind === "userInput" || overlay.kind === "elicitation")) {
    bottom = (
      <FormOverlay
        key={String(overlay.requestId)}
        request={overlay}
        onAnswer={(r) => controller.answer(overlay, r)}
      />
    );
  } else if (overlay) {
    bottom = (
      <ApprovalOverlay
        key={String(overlay.requestId)}
        pending={overlay}
        onAnswer={(result) => controller.answer(overlay, result)}
        onCancel={() => controller.answer(overlay, cancelAnswer(overlay))}
      />
    );
  } else {
    bottom = (
      <>
        {state.turn ? (
          <WorkingIndicator since={state.turn.startedAt} summary={backgroundSummary(state.background)} />
        ) : null}
        <Composer composer={composer} glyph={state.session ? "›" : ">"} />
        {slash.length > 0 ? (
          <SlashPopup commands={slash} selected={Math.min(popupIndex, slash.length - 1)} />
        ) : mention ? (
          <MentionPopup
            popup={mention}
            selected={Math.min(popupIndex, Math.max(0, mention.entries.length - 1))}
          />
        ) : null}
      </>
    );
  }
  return (
    <Box flexDirection="column">
      <Transcript state={state} />
      <Box flexDirection="column" paddingTop={1}>
        {bottom}
        <StatusLine state={state} />
      </Box>
    </Box>
  );
}
