export type LiveState = "connecting" | "live" | "reconnecting";

const LABELS: Record<LiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
};

/** Whether the live alert stream is connected. A polite live region, so changes are announced. */
export function LiveIndicator({ state }: { state: LiveState }) {
  return (
    <p className="live-indicator" data-testid="live-status" data-state={state} role="status">
      <span className="live-dot" aria-hidden="true" />
      {LABELS[state]}
    </p>
  );
}
