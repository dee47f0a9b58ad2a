import type { FormEvent } from "react";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { useBulkMandates } from "../api/firm";
import { mandateOutcome, type MandateOutcome } from "../panel";
import { mandatesText as text } from "../text";

export type MandateBulkAction = "send" | "withdraw";

/** The clients list's « Envoyer le mandat à signer » / « Retirer la demande » on a selection
 * (every client of the « Mandat » filter included): one result per client. */
export function MandateBulkForm({
  action,
  clientIds,
  onCancel,
  onDone,
}: {
  action: MandateBulkAction;
  clientIds: readonly string[];
  onCancel: () => void;
  onDone: (results: MandateOutcome[]) => void;
}) {
  const bulk = useBulkMandates();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    bulk.mutate(
      { action, clientIds: [...clientIds] },
      { onSuccess: ({ results }) => onDone(results.map(mandateOutcome)) },
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <p>{text.bulkBody[action](clientIds.length)}</p>
      {bulk.error instanceof ApiProblem && <ProblemMessage problem={bulk.error} />}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel}>
          {text.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={bulk.isPending}>
          {bulk.isPending ? text.bulkRunning : text.bulkConfirm[action]}
        </button>
      </div>
    </form>
  );
}
