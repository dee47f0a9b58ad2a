import { useState } from "react";
import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatAmount, formatDate, formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useInvoice, type InvoiceAction, type InvoiceCatalogue } from "../api/invoices";
import { isFinal } from "../selection";
import { invoicesText } from "../text";
import { ActionDialog } from "./ActionDialog";
import { InvoiceStatusBadge } from "./InvoiceStatusBadge";

const text = invoicesText.detail;

/** An invoice: its parties and amount, the timeline of its statuses, and what the user may do. */
export function InvoiceDialog({
  invoiceId,
  number,
  catalogue,
  onClose,
  onNotice,
}: {
  invoiceId: string | null;
  number: string;
  catalogue: InvoiceCatalogue | undefined;
  onClose: () => void;
  onNotice: (message: string) => void;
}) {
  const invoice = useInvoice(invoiceId);
  const detail = invoice.data;
  const [acting, setActing] = useState<InvoiceAction | null>(null);

  return (
    <ModalDialog open={invoiceId !== null} title={text.title(number)} wide onClose={onClose}>
      {invoice.error instanceof ApiProblem && <ProblemMessage problem={invoice.error} />}
      {detail && (
        <div className="stack" data-testid="invoice-detail">
          <dl className="facts">
            <dt>{text.status}</dt>
            <dd>
              <InvoiceStatusBadge status={detail.status} label={detail.status_label} />
            </dd>
            <dt>{text.client}</dt>
            <dd>{detail.client_name}</dd>
            <dt>{text.seller}</dt>
            <dd>{detail.seller_name ?? invoicesText.none}</dd>
            <dt>{text.buyer}</dt>
            <dd>{detail.buyer_name ?? invoicesText.none}</dd>
            <dt>{text.issueDate}</dt>
            <dd>{detail.issue_date ? formatDate(detail.issue_date) : invoicesText.none}</dd>
            <dt>{text.total}</dt>
            <dd>{detail.total_with_vat ? formatAmount(detail.total_with_vat, detail.currency ?? "EUR") : invoicesText.none}</dd>
          </dl>
          <section aria-labelledby="invoice-timeline">
            <h3 id="invoice-timeline">{text.timeline}</h3>
            {detail.timeline.length === 0 ? (
              <p className="muted">{text.noTimeline}</p>
            ) : (
              <ol className="timeline" data-testid="invoice-timeline">
                {detail.timeline.map((entry) => (
                  <li key={entry.id} className="timeline__item">
                    <InvoiceStatusBadge status={entry.status} label={entry.label} />{" "}
                    <span className="timeline__meta">
                      {entry.side_label} · {text.by(entry.author_name ?? text.authors[entry.author_kind] ?? entry.author_kind)} ·{" "}
                      <time dateTime={entry.occurred_at}>{formatDateTime(entry.occurred_at)}</time>
                    </span>
                    {(entry.reason_label || entry.reason_text) && (
                      <p className="timeline__reason">
                        {text.reason} : {[entry.reason_label ?? entry.reason_code, entry.reason_text].filter(Boolean).join(" — ")}
                      </p>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </section>
          <section aria-labelledby="invoice-actions">
            <h3 id="invoice-actions">{text.actions}</h3>
            {detail.actions.length === 0 ? (
              <p className="muted">{text.noActions}</p>
            ) : (
              <p className="row-actions">
                {detail.actions.map((action) => (
                  <button
                    key={action}
                    type="button"
                    className={isFinal(action, catalogue) ? "button button--danger" : "button"}
                    onClick={() => setActing(action)}
                  >
                    {invoicesText.verbs[action]}
                  </button>
                ))}
              </p>
            )}
          </section>
          <p className="dialog__actions">
            <button type="button" className="button" onClick={onClose}>
              {text.close}
            </button>
          </p>
        </div>
      )}
      <ActionDialog
        action={acting}
        invoiceIds={invoiceId ? [invoiceId] : []}
        catalogue={catalogue}
        onClose={() => setActing(null)}
        onDone={({ label }) => onNotice(invoicesText.action.done(label))}
      />
    </ModalDialog>
  );
}
