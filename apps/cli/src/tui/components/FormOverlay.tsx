import { Box, Text } from "ink";
import { useState } from "react";
import { useKeys } from "../hooks/useKeys.js";
import { type FormRequest, formAnswer, formDismissed, formFields, typedValue } from "../state/form.js";

export interface FormOverlayProps {
  request: FormRequest;
  onAnswer: (result: unknown) => void;
}

/**
 * Questions from the model (`request_user_input`) or an MCP server's form (elicitation), one
 * field at a time: a choice list (number, arrows + Enter) or a line of text. Esc dismisses; an MCP
 * form with no fields (an approval, a URL to visit) is a yes/no question.
 */
export function FormOverlay({ request, onAnswer }: FormOverlayProps) {
  const fields = formFields(request);
  const [index, setIndex] = useState(0);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [selected, setSelected] = useState(0);
  const [typing, setTyping] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const field = fields[index];
  // A form without fields: Accept / Decline.
  const choices = field
    ? [...(field.options ?? []), ...(field.options && field.allowOther ? [{ label: "Other (type an answer)", value: OTHER }] : [])]
    : [
        { label: "Accept", value: "accept" },
        { label: "Decline", value: "decline" },
      ];
  const textMode = field !== undefined && (field.options === null || typing !== null);

  const next = (value: unknown) => {
    if (!field) {
      onAnswer(value === "accept" ? formAnswer(request, {}) : formDismissed(request, "decline"));
      return;
    }
    const all = { ...values, [field.id]: value };
    setValues(all);
    setSelected(0);
    setTyping(null);
    setError(null);
    if (index + 1 < fields.length) setIndex(index + 1);
    else onAnswer(formAnswer(request, all));
  };

  useKeys((key) => {
    if (key.kind === "escape" || (key.kind === "ctrl" && key.letter === "c")) {
      onAnswer(formDismissed(request));
      return;
    }
    if (textMode) {
      const current = typing ?? "";
      if (key.kind === "enter") {
        const parsed = typedValue(field!, current);
        if (parsed.ok) next(parsed.value);
        else setError(parsed.error);
      } else if (key.kind === "backspace") setTyping(current.slice(0, -1));
      else if (key.kind === "text") setTyping(current + key.text.replace(/\r?\n/g, " "));
      return;
    }
    const choose = (at: number) => {
      const choice = choices[at];
      if (!choice) return;
      if (choice.value === OTHER) setTyping("");
      else next(choice.value);
    };
    if (key.kind === "up") setSelected((s) => (s + choices.length - 1) % choices.length);
    else if (key.kind === "down" || key.kind === "tab") setSelected((s) => (s + 1) % choices.length);
    else if (key.kind === "enter") choose(selected);
    else if (key.kind === "text" && /^[1-9]$/.test(key.text)) choose(Number(key.text) - 1);
    else if (key.kind === "text" && !field) {
      if (key.text.toLowerCase() === "y") choose(0);
      if (key.text.toLowerCase() === "n") choose(1);
    }
  });

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
          <Text key={`${i}-${choice.label}`} color={i === selected ? "cyan" : undefined}>
            {`${i === selected ? "›" : " "} ${i + 1}. ${choice.label}`}
            {"description" in choice && choice.description ? <Text dimColor>{`  ${choice.description}`}</Text> : null}
          </Text>
        ))
      )}
      {error ? <Text color="red">{error}</Text> : null}
      <Text dimColor>{textMode ? "enter to confirm · esc to dismiss" : "enter to choose · esc to dismiss"}</Text>
    </Box>
  );
}

const OTHER = Symbol("other");
