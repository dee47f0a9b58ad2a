import type { InvoiceAction, InvoiceBulkResult, InvoiceCatalogue } from "./api/invoices";

/** The actions every selected invoice allows now: what a bulk action may offer. */
export function commonActions(invoices: readonly { actions: readonly InvoiceAction[] }[]): InvoiceAction[] {
  if (invoices.length === 0) return [];
  const [first, ...others] = invoices;
  return first!.actions.filter((action) => others.every((invoice) => invoice.actions.includes(action)));
}

/** An action whose status is final (refuse, cancel…) is confirmed in red: nothing undoes it. */
export function isFinal(action: InvoiceAction, catalogue: InvoiceCatalogue | undefined): boolean {
  const status = catalogue?.actions.find((one) => one.action === action)?.status;
  return catalogue?.statuses.find((one) => one.code === status)?.final ?? (action === "refuse" || action === "cancel");
}

/** The status filter as the address keeps it: `?statut=205,210` → [205, 210]. */
export function parseStatuses(param: string | null): number[] {
  if (!param) return [];
  return [
    ...new Set(
      param
        .split(",")
        .map((part) => Number(part.trim()))
        .filter((code) => Number.isInteger(code) && code >= 0 && code <= 999),
    ),
  ];
}

/** How many of a bulk action's results succeeded, and how many failed. */
export function bulkCounts(results: readonly InvoiceBulkResult[]): { ok: number; failed: number } {
  const ok = results.filter((result) => result.ok).length;
  return { ok, failed: results.length - ok };
}
