import type { v2 } from "@codex-ts/protocol";
import { Box, Text } from "ink";
import type { Controller } from "../controller.js";
import { useKeys } from "../hooks/useKeys.js";
import { useSyncState } from "../hooks/useSyncState.js";
import { closeHooks, setHookEnabled, trustHook } from "../hooks-browser.js";
import type { HooksView } from "../state/types.js";

/** A hook runs when it is enabled and its definition is trusted (or managed). */
export function hookActive(hook: v2.HookMetadata): boolean {
  return hook.enabled && (hook.trustStatus === "trusted" || hook.trustStatus === "managed");
}

function handlerText(hook: v2.HookMetadata): string {
  switch (hook.handlerType) {
    case "command":
      return hook.command;
    case "mcpTool":
      return `${hook.server}/${hook.tool}`;
    default:
      return hook.handlerType;
  }
}

/**
 * /hooks: the events with how many hooks are installed and active; Enter opens an event's hooks,
 * where Space or Enter turns the selected hook on or off and `t` trusts its current definition.
 * Esc goes back, then closes. Managed hooks are labelled and cannot be toggled.
 */
export function HooksBrowser({ controller, hooks }: { controller: Controller; hooks: HooksView }) {
  const events = [...new Set(hooks.hooks.map((h) => h.eventName))];
  const [event, setEvent, eventRef] = useSyncState<v2.HookMetadata["eventName"] | null>(null);
  const [selected, setSelected, selectedRef] = useSyncState(0);
  const handlers = hooks.hooks.filter((h) => h.eventName === event);
  useKeys((key) => {
    const event = eventRef.current;
    const selected = selectedRef.current;
    const handlers = hooks.hooks.filter((h) => h.eventName === event);
    const rows = event === null ? events.length : handlers.length;
    if (key.kind === "escape" || (key.kind === "ctrl" && key.letter === "c")) {
      if (event !== null) {
        setSelected(Math.max(0, events.indexOf(event)));
        setEvent(null);
      } else closeHooks(controller);
    } else if (key.kind === "up") setSelected((s) => Math.max(0, s - 1));
    else if (key.kind === "down") setSelected((s) => Math.min(rows - 1, s + 1));
    else if (event === null) {
      if (key.kind === "enter" && events[selected]) {
        setEvent(events[selected]!);
        setSelected(0);
      }
    } else {
      const hook = handlers[selected];
      if (!hook) return;
      if (key.kind === "enter" || (key.kind === "text" && key.text === " "))
        void setHookEnabled(controller, hook, !hook.enabled);
      else if (key.kind === "text" && key.text === "t") void trustHook(controller, hook);
    }
  });
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>{event === null ? "Hooks" : `Hooks › ${event}`}</Text>
      {event === null ? (
        events.length === 0 ? (
          <Text dimColor>No hooks configured.</Text>
        ) : (
          events.map((name, i) => {
            const of = hooks.hooks.filter((h) => h.eventName === name);
            return (
              <Text key={name} color={i === selected ? "cyan" : undefined}>
                {`${i === selected ? "›" : " "} ${name.padEnd(20)}`}
                <Text dimColor>{`${of.length} installed · ${of.filter(hookActive).length} active`}</Text>
              </Text>
            );
          })
        )
      ) : (
        handlers.map((hook, i) => (
          <Text key={hook.key} color={i === selected ? "cyan" : undefined} wrap="truncate-end">
            {`${i === selected ? "›" : " "} ${hook.isManaged ? "[managed]" : hook.enabled ? "[x]" : "[ ]"} ${handlerText(hook)}`}
            <Text
              dimColor
            >{`  ${hook.source}${hook.matcher ? ` · matcher ${hook.matcher}` : ""} · ${hook.trustStatus}`}</Text>
          </Text>
        ))
      )}
      {hooks.warnings.map((w) => (
        <Text key={w} color="yellow">{`warning: ${w}`}</Text>
      ))}
      {hooks.errors.map((e) => (
        <Text key={e} color="red">{`error: ${e}`}</Text>
      ))}
      <Text dimColor>
        {event === null
          ? "enter to open · esc to close"
          : "space/enter to turn on or off · t to trust · esc to go back"}
      </Text>
    </Box>
  );
}
