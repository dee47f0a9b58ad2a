import { useId, type ReactNode } from "react";
import { useModalDialog } from "./use-modal-dialog";

/**
 * A modal form or message on the native <dialog> (focus trapped, page behind inert, Escape
 * closes, focus goes back to the opener), as ConfirmDialog does for confirmations. The caller
 * renders the body and its own buttons, usually inside a <form>.
 */
export function ModalDialog({
  open,
  title,
  description,
  wide = false,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  description?: string | undefined;
  wide?: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  const { dialogRef, onDialogClose } = useModalDialog(open, onClose);
  const titleId = useId();
  const descriptionId = useId();

  return (
    <dialog
      ref={dialogRef}
      className={wide ? "dialog dialog--wide" : "dialog"}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={onDialogClose}
    >
      <h2 id={titleId}>{title}</h2>
      {description && (
        <p id={descriptionId} className="muted">
          {description}
        </p>
      )}
      {open && children}
    </dialog>
  );
}
