import { Box, Text } from "ink";
import { useRef, useState } from "react";
import { useKeys } from "../hooks/useKeys.js";
import {
  type FieldOption,
  type FormField,
  type FormRequest,
  formAnswer,
  formDismissed,
  formFields,
  typedValue,
} from "../state/form.js";

export interface FormOverlayProps {
  request: FormRequest;
  onAnswer: (result: unknown) => void;
}

interface FormProgress {
  index: number;
  values: Record<string, unknown>;
  selected: number;
  /** The text being typed (a free-text field, or "Other"); null on a choice list. */
  typing: string | null;
  error: string | null;
}

const OTHER = Symbol("other");
const START: FormProgress = { index: 0, values: {}, selected: 0, typing: null, error: null };

/** The choices shown for `field` (a form without fields: Accept / Decline). */
function choicesFor(field: FormField | undefined): FieldOption[] {
  if (!field)
    return [
      { label: "Accept", value: "accept" },
      { label: "Decline", value: "decline" },
    ];
  const other = field.options && field.allowOther ? [{ label: "Other (type an answer)", value: OTHER }] : [];
  return [...(field.options ?? []), ...other];
}

/**
 * Questions from the model (`request_user_input`) or an MCP server's form (elicitation), one
 * field at a time: a choice list (number, arrows + Enter) or a line of text. Esc dismisses; an MCP
 * form with no fields (an approval, a URL to visit) is a yes/no question.
 */
export function FormOverlay({ request, onAnswer }: FormOverlayProps) {
  const fields = formFields(request);
  // Read by the key handler synchronously (several keys can come in one input event).
  const ref = useRef<FormProgress>(START);
  const [, setVersion] = useState(0);
  const update = (patch: Partial<FormProgress>) => {
    ref.current = { ...ref.current, ...patch };
    setVersion((v) => v + 1);
  };

  useKeys((key) => {
    const p = ref.current;
    const field = fields[p.index];
    const choices = choicesFor(field);
    const next = (value: unknown) => {
      if (!field) {
        onAnswer(value === "accept" ? formAnswer(request, {}) : formDismissed(request, "decline"));
        return;
      }
      const values = { ...p.values, [field.id]: value };
      update({ ...START, values, index: p.index + 1 });
      if (p.index + 1 >= fields.length) onAnswer(formAnswer(request, values));
    };
    if (key.kind === "escape" || (key.kind === "ctrl" && key.letter === "c")) {
      onAnswer(formDismissed(request));
      return;
    }
    if (field && (field.options === null || p.typing !== null)) {
      const typing = p.typing ?? "";
      if (key.kind === "enter") {
        const parsed = typedValue(field, typing);
        if (parsed.ok) next(parsed.value);
        else update({ error: parsed.error });
      } else if (key.kind === "backspace") update({ typing: typing.slice(0, -1) });
      else if (key.kind === "text") update({ typing: typing + key.text.replace(/\r?\n/g, " ") });
      return;
    }
    const choose = (at: number) => {
      const choice = choices[at];
      if (!choice) return;
      if (choice.value === OTHER) update({ typing: "" });
      else next(choice.value);
    };
    if (key.kind === "up") update({ selected: (p.selected + choices.length - 1) % choices.length });
    else if (key.kind === "down" || key.kind === "tab")
      update({ selected: (p.selected + 1) % choices.length });
    else if (key.kind === "enter") choose(p.selected);
    else if (key.kind === "text" && /^[1-9]$/.test(key.text)) choose(Number(key.text) - 1);
    else if (key.kind === "text" && !field && /^[yn]$/i.test(key.text))
      choose(key.text.toLowerCase() === "y" ? 0 : 1);
  });

  const { index, selected, typing, error } = ref.current;
  const field = fields[index];
  const choices = choicesFor(field);
  const textMode = field !== undefined && (field.options === null || typing !== null);
  const heading =
    request.kind === "userInput" ? "Codex has a question" : `${request.params.serverName} asks for input`;
  const message = request.kind === "elicitation" ? request.params.message : null;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>{fields.length > 1 ? `${heading} (${index + 1}/${fields.length})` : heading}</Text>
      {message ? <Text>{message}</Text> : null}
      {request.kind === "elicitation" && request.params.mode === "url" ? (
        <Text color="cyan">{request.params.url}</Text>
      ) : null}
      {field ? (
        <Text>
          <Text bold>{field.title}</Text>
          {field.prompt !== field.title ? `: ${field.prompt}` : ""}
          {field.required ? <Text color="red"> *</Text> : null}
        </Text>
      ) : null}
      <Text> </Text>
      {textMode ? (
        <Text>
          <Text bold>{"› "}</Text>
          {field?.secret ? "•".repeat((typing ?? "").length) : (typing ?? "")}
          <Text inverse> </Text>
        </Text>
      ) : (
        choices.map((choice, i) => (
          <Text key={choice.label} color={i === selected ? "cyan" : undefined}>
            {`${i === selected ? "›" : " "} ${i + 1}. ${choice.label}`}
            {choice.description ? <Text dimColor>{`  ${choice.description}`}</Text> : null}
          </Text>
        ))
      )}
      {error ? <Text color="red">{error}</Text> : null}
      <Text dimColor>
        {textMode ? "enter to confirm · esc to dismiss" : "enter to choose · esc to dismiss"}
      </Text>
    </Box>
  );
}
