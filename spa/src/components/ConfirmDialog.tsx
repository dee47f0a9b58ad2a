import { useId, type ReactNode } from "react";
import { componentsText } from "./text";
import { useModalDialog } from "./use-modal-dialog";

/**
 * A confirmation before a destructive action, on the native modal <dialog>: the browser traps
 * focus inside, makes the page behind inert, closes on Escape and gives focus back to the
 * button that opened it, which no hand-made overlay gets all right.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel = componentsText.confirm,
  pending = false,
  tone = "danger",
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  pending?: boolean;
  /** `primary` for a confirmation that gives something back (reactivate), not destroys. */
  tone?: "danger" | "primary";
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { dialogRef, onDialogClose } = useModalDialog(open, onCancel);
  const titleId = useId();

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby={titleId}
      onClose={onDialogClose}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="dialog__body">{children}</div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel} disabled={pending}>
          {componentsText.cancel}
        </button>
        <button
          type="button"
          className={tone === "danger" ? "button button--danger" : "button button--primary"}
          onClick={onConfirm}
          disabled={pending}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
