// Statuses that end an invoice's road badly: refused, rejected by the rules, cancelled, no route.
const ERROR_STATUSES = new Set([210, 213, 220, 221]);
// The buyer has a question or a hold on it.
const PENDING_STATUSES = new Set([206, 207, 208]);

/** The invoice's status in the API's own French words, coloured by what it means. */
export function InvoiceStatusBadge({ status, label }: { status: number | null; label: string }) {
  const tone =
    status === null ? "neutral" : ERROR_STATUSES.has(status) ? "danger" : PENDING_STATUSES.has(status) ? "pending" : "success";
  return (
    <span className={`invoice-badge invoice-badge--${tone}`} data-status={status ?? ""}>
      {label}
    </span>
  );
}
