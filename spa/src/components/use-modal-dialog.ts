import { useEffect, useRef } from "react";

/** What the hook needs of a native <dialog> element. */
export type NativeDialog = Pick<HTMLDialogElement, "open" | "showModal" | "close">;

/**
 * A React-driven native modal <dialog>: `open` shows it with showModal() (focus trapped, page
 * behind inert, focus back to the opener on close) and hides it again. Give the <dialog> the
 * `dialogRef` and the `onDialogClose` handler. Shared by ModalDialog, ConfirmDialog and the
 * clients' Modal, which differ only in what they show inside.
 */
export function useModalDialog(open: boolean, onClose: () => void) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    if (ref.current) showModalWhen(ref.current, open);
  }, [open]);

  // React passes a nested dialog's `close` up its tree: a confirmation closing inside another
  // dialog closed that one too. Only this dialog's own close counts.
  return {
    dialogRef: ref,
    onDialogClose: (event?: { target: EventTarget; currentTarget: EventTarget }) => {
      if (event && event.target !== event.currentTarget) return;
      closedByBrowser(open, onClose);
    },
  };
}

/** Shows or hides the dialog as `open` says, leaving it alone when it already is. */
export function showModalWhen(dialog: NativeDialog, open: boolean): void {
  if (open && !dialog.open) {
    dialog.showModal();
    focusFirstField(dialog);
  }
  if (!open && dialog.open) dialog.close();
}

/**
 * showModal() focuses the first focusable element, the « Fermer » button beside the title. A
 * dialog whose purpose is typing (« Ajouter un client ») marks its field `data-autofocus`, and
 * the field gets the focus instead.
 */
function focusFirstField(dialog: NativeDialog): void {
  const target = "querySelector" in dialog ? (dialog as HTMLDialogElement).querySelector<HTMLElement>("[data-autofocus]") : null;
  target?.focus();
}

/**
 * The <dialog>'s close event. Escape closes the native dialog by itself: this keeps React's
 * state in step. A close the state asked for (`open` already false) is not reported again.
 */
export function closedByBrowser(open: boolean, onClose: () => void): void {
  if (open) onClose();
}
