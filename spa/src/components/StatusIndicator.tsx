import { componentsText } from "./text";

export type Status = "up" | "down" | "pending";

const LABELS: Record<Status, string> = {
  up: componentsText.statusUp,
  down: componentsText.statusDown,
  pending: componentsText.statusPending,
};

/** A coloured dot always paired with words: colour alone must not carry the meaning (WCAG 1.4.1). */
export function StatusIndicator({ status, label }: { status: Status; label?: string }) {
  return (
    <span className={`status status--${status}`}>
      <span className="status__dot" aria-hidden="true" />
      {label ?? LABELS[status]}
    </span>
  );
}
