import type { ReactNode } from "react";
import { ModalDialog } from "@/components/ModalDialog";
import { SecretReveal } from "./SecretReveal";

/**
 * Creating something the API gives a secret to (an API key, a webhook): the form, then, once
 * the API has answered, the secret shown this one time. Closing forgets the answer, and with it
 * the only copy of the secret in this page.
 */
export function SecretCreationDialog({
  open,
  text,
  creation,
  onClose,
  children,
}: {
  open: boolean;
  text: { formTitle: string; formHelp: string; createdTitle: string; secretLabel: string };
  /** The creation mutation: its answer holds the secret. */
  creation: { data?: { secret: string } | undefined; reset: () => void };
  onClose: () => void;
  /** The creation form, given the way to close the dialog (its « Annuler »). */
  children: (close: () => void) => ReactNode;
}) {
  const close = () => {
    creation.reset();
    onClose();
  };
  return (
    <ModalDialog
      open={open}
      title={creation.data ? text.createdTitle : text.formTitle}
      description={creation.data ? undefined : text.formHelp}
      onClose={close}
    >
      {creation.data ? (
        <SecretReveal label={text.secretLabel} secret={creation.data.secret} onDone={close} />
      ) : (
        children(close)
      )}
    </ModalDialog>
  );
}
