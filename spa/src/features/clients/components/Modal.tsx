import { useId, type ReactNode } from "react";
import { useModalDialog } from "@/components/use-modal-dialog";
import { clientsText } from "../text";

/**
 * A form in a native modal <dialog> (focus trapped, page behind inert, Escape closes, focus
 * returns to the opener), like the shared ModalDialog but with a « Fermer » button beside the
 * title.
 */
export function Modal({
  open,
  title,
  onClose,
  wide = false,
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  wide?: boolean;
  children: ReactNode;
}) {
  const { dialogRef, onDialogClose } = useModalDialog(open, onClose);
  const titleId = useId();

  return (
    <dialog
      ref={dialogRef}
      className={wide ? "dialog dialog--wide" : "dialog"}
      aria-labelledby={titleId}
      onClose={onDialogClose}
    >
      <div className="dialog__header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="button button--small" onClick={onClose}>
          {clientsText.close}
        </button>
      </div>
      {open && children}
    </dialog>
  );
}
