/**
 * The questions an overlay asks for `item/tool/requestUserInput` (the model's questions) and
 * `mcpServer/elicitation/request` (an MCP server's form), as one list of fields, and the answer
 * each request gets. Pure.
 */
import type { v2 } from "@codex-ts/protocol";

export interface FieldOption {
  label: string;
  description?: string;
  value: unknown;
}

export interface FormField {
  id: string;
  /** Short heading (a question's header, a schema property's title). */
  title: string;
  prompt: string;
  /** Choices, or null for free text. */
  options: FieldOption[] | null;
  /** A choice list that also takes typed text ("Other"). */
  allowOther: boolean;
  secret: boolean;
  required: boolean;
  /** How typed text becomes the value. */
  type: "string" | "number" | "integer";
}

export type FormRequest =
  | { kind: "userInput"; params: v2.ToolRequestUserInputParams }
  | { kind: "elicitation"; params: v2.McpServerElicitationRequestParams };

export function formFields(request: FormRequest): FormField[] {
  if (request.kind === "userInput") {
    return request.params.questions.map((q) => ({
      id: q.id,
      title: q.header,
      prompt: q.question,
      options:
        q.options?.map((o) => ({ label: o.label, description: o.description, value: o.label })) ?? null,
      allowOther: q.isOther || !q.options?.length,
      secret: q.isSecret,
      required: false,
      type: "string",
    }));
  }
  const params = request.params;
  if (params.mode === "url") return [];
  const schema = params.requestedSchema as {
    properties?: Record<string, unknown>;
    required?: string[];
  } | null;
  const properties = schema && typeof schema === "object" ? (schema.properties ?? {}) : {};
  const required = new Set(Array.isArray(schema?.required) ? schema.required : []);
  return Object.entries(properties).map(([id, raw]) => schemaField(id, raw, required.has(id)));
}

function schemaField(id: string, raw: unknown, required: boolean): FormField {
  const p = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const title = typeof p.title === "string" ? p.title : id;
  const prompt = typeof p.description === "string" ? p.description : title;
  const base = { id, title, prompt, allowOther: false, secret: false, required };
  if (p.type === "boolean")
    return {
      ...base,
      type: "string",
      options: [
        { label: "Yes", value: true },
        { label: "No", value: false },
      ],
    };
  const names = Array.isArray(p.enumNames) ? p.enumNames : [];
  if (Array.isArray(p.enum))
    return {
      ...base,
      type: "string",
      options: p.enum.map((v, i) => ({ label: String(names[i] ?? v), value: v })),
    };
  const oneOf = Array.isArray(p.oneOf) ? p.oneOf : Array.isArray(p.anyOf) ? p.anyOf : null;
  if (oneOf)
    return {
      ...base,
      type: "string",
      options: oneOf.map((o: { const?: unknown; title?: string }) => ({
        label: String(o.title ?? o.const),
        value: o.const,
      })),
    };
  return { ...base, options: null, type: p.type === "number" || p.type === "integer" ? p.type : "string" };
}

/** Typed text as a field's value, or an error to show under the field. */
export function typedValue(
  field: FormField,
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text === "")
    return field.required ? { ok: false, error: "This field is required." } : { ok: true, value: undefined };
  if (field.type === "string") return { ok: true, value: text };
  const n = Number(text);
  if (!Number.isFinite(n) || (field.type === "integer" && !Number.isInteger(n)))
    return { ok: false, error: `Enter ${field.type === "integer" ? "a whole number" : "a number"}.` };
  return { ok: true, value: n };
}

/** The response to the request once every field has a value (undefined: left empty). */
export function formAnswer(request: FormRequest, values: Record<string, unknown>): unknown {
  if (request.kind === "userInput") {
    const answers: Record<string, { answers: string[] }> = {};
    for (const [id, value] of Object.entries(values))
      if (value !== undefined) answers[id] = { answers: [String(value)] };
    return { answers };
  }
  const content = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  return { action: "accept", content: request.params.mode === "url" ? null : content };
}

/** The response when the user dismisses the overlay (Esc) or declines. */
export function formDismissed(request: FormRequest, action: "decline" | "cancel" = "cancel"): unknown {
  return request.kind === "userInput" ? { answers: {} } : { action, content: null };
}
