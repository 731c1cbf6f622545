import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { WorkingIndicator } from "./WorkingIndicator.js";

describe("WorkingIndicator", () => {
  it("puts the background terminals' summary on the working row, after the interrupt hint", () => {
    const ui = render(
      <WorkingIndicator since={0} now={() => 3_000} summary="1 background terminal running · /ps to view" />,
    );
    expect(ui.lastFrame()).toBe(
      "• Working (3s • esc to interrupt) · 1 background terminal running · /ps to view",
    );
    ui.rerender(<WorkingIndicator since={0} now={() => 3_000} />);
    expect(ui.lastFrame()).toBe("• Working (3s • esc to interrupt)");
    ui.unmount();
  });
});
