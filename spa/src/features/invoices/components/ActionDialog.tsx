import { useId, useState, type FormEvent } from "react";
import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import {
  useBulkInvoiceAction,
  useInvoiceAction,
  type InvoiceAction,
  type InvoiceBulkResult,
  type InvoiceCatalogue,
} from "../api/invoices";
import { isFinal } from "../selection";
import { invoicesText } from "../text";

const text = invoicesText.action;

/**
 * One action on one invoice or on a selection: the reason when the status needs one (the codes
 * of the catalogue), a word of precision, and a red confirmation when the status is final.
 */
export function ActionDialog({
  action,
  invoiceIds,
  catalogue,
  onClose,
  onDone,
}: {
  action: InvoiceAction | null;
  invoiceIds: readonly string[];
  catalogue: InvoiceCatalogue | undefined;
  onClose: () => void;
  /** The new status's label (one invoice), or one result per invoice (a selection). */
  onDone: (outcome: { label: string; results: InvoiceBulkResult[] | null }) => void;
}) {
  const single = useInvoiceAction();
  const bulk = useBulkInvoiceAction();
  const [reasonCode, setReasonCode] = useState("");
  const [reasonText, setReasonText] = useState("");
  const reasonId = useId();
  const reasonTextId = useId();
  const spec = catalogue?.actions.find((one) => one.action === action);
  const verb = action ? invoicesText.verbs[action] : "";
  const final = action ? isFinal(action, catalogue) : false;
  const pending = single.isPending || bulk.isPending;
  const problem = (invoiceIds.length === 1 ? single.error : bulk.error) ?? null;

  function close() {
    setReasonCode("");
    setReasonText("");
    single.reset();
    bulk.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!action) return;
    const request = {
      action,
      ...(reasonCode ? { reason_code: reasonCode } : {}),
      ...(reasonText.trim() ? { reason_text: reasonText.trim() } : {}),
    };
    const label = spec?.label ?? verb;
    if (invoiceIds.length === 1) {
      single.mutate(
        { invoiceId: invoiceIds[0]!, request },
        {
          onSuccess: (invoice) => {
            onDone({ label: invoice.status_label, results: null });
            close();
          },
        },
      );
    } else {
      bulk.mutate(
        { invoiceIds: [...invoiceIds], request },
        {
          onSuccess: (outcome) => {
            onDone({ label, results: outcome.results });
            close();
          },
        },
      );
    }
  }

  return (
    <ModalDialog open={action !== null} title={text.title(verb, invoiceIds.length)} onClose={close}>
      <form className="form" onSubmit={submit}>
        {spec && <p>{invoiceIds.length === 1 ? text.becomes(spec.label) : text.becomesMany(spec.label)}</p>}
        {final && (
          <p className="notice notice--warning" data-testid="final-warning">
            {text.final}
          </p>
        )}
        {spec && spec.reasons.length > 0 && (
          <div className="field">
            <label htmlFor={reasonId} className="field__label">
              {text.reason}
            </label>
            <select
              id={reasonId}
              className="field__input"
              required={spec.reason_required}
              value={reasonCode}
              data-autofocus
              onChange={(event) => setReasonCode(event.target.value)}
            >
              <option value="">{text.chooseReason}</option>
              {spec.reasons.map((reason) => (
                <option key={reason.code} value={reason.code}>
                  {reason.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={reasonTextId} className="field__label">
            {text.reasonText}
          </label>
          <textarea
            id={reasonTextId}
            className="field__input"
            rows={2}
            maxLength={1000}
            value={reasonText}
            onChange={(event) => setReasonText(event.target.value)}
          />
        </div>
        {problem instanceof ApiProblem && <ProblemMessage problem={problem} />}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={close}>
            {text.cancel}
          </button>
          <button type="submit" className={final ? "button button--danger" : "button button--primary"} disabled={pending}>
            {verb || text.confirm}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
