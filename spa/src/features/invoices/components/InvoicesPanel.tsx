import { useId, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { DataTable } from "@/components/DataTable";
import { LoadMore } from "@/components/LoadMore";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatAmount, formatDate } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import {
  useInvoiceCatalogue,
  useInvoices,
  type InvoiceAction,
  type InvoiceBulkResult,
  type InvoiceDirection,
  type InvoiceSummary,
} from "../api/invoices";
import { bulkCounts, commonActions, parseStatuses } from "../selection";
import { invoicesText } from "../text";
import { ActionDialog } from "./ActionDialog";
import { InvoiceDialog } from "./InvoiceDialog";
import { InvoiceStatusBadge } from "./InvoiceStatusBadge";

const text = invoicesText;

/**
 * « Factures reçues » or « Factures émises »: of one client (its file) or of every client the
 * user sees (the firm's navigation, the company space). The status filter is kept in the
 * address (`?statut=205`); a selection takes one action at once, with one result per invoice.
 */
export function InvoicesPanel({
  direction,
  clientId,
  page = false,
}: {
  direction: InvoiceDirection;
  clientId?: string | undefined;
  /** A screen of its own (the title is the page's), rather than a client file's tab. */
  page?: boolean;
}) {
  const [params, setParams] = useSearchParams();
  const statuses = parseStatuses(params.get("statut"));
  const invoices = useInvoices({ direction, clientId, statuses });
  const catalogue = useInvoiceCatalogue();
  const rows = useMemo(() => invoices.data?.pages.flatMap((page) => page.items) ?? [], [invoices.data]);
  const [selected, setSelected] = useState<string[]>([]);
  const [opened, setOpened] = useState<{ id: string; number: string } | null>(null);
  const [bulkAction, setBulkAction] = useState<InvoiceAction | "">("");
  const [acting, setActing] = useState<InvoiceAction | null>(null);
  // The numbers are kept with the results: the rows may leave the list once their status changes.
  const [results, setResults] = useState<{ label: string; results: InvoiceBulkResult[]; numbers: Record<string, string> } | null>(
    null,
  );
  const [notice, setNotice] = useState("");
  const filterId = useId();
  const actionId = useId();
  const headingId = useId();

  const selectedRows = rows.filter((row) => selected.includes(row.id));
  const offered = commonActions(selectedRows);
  const allSelected = rows.length > 0 && rows.every((row) => selected.includes(row.id));

  function setStatusFilter(value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set("statut", value);
    else next.delete("statut");
    setParams(next, { replace: true });
    setSelected([]);
  }

  return (
    <section className="invoices" aria-labelledby={headingId}>
      {page ? (
        <h1 id={headingId}>{text.headings[direction]}</h1>
      ) : (
        <h2 id={headingId}>{text.headings[direction]}</h2>
      )}
      <p className={page ? "lead" : "muted"}>{clientId ? text.introsOneClient[direction] : text.intros[direction]}</p>
      <p className={notice ? "notice notice--success" : "visually-hidden"} role="status">
        {notice}
      </p>
      <search className="filters">
        <div className="field">
          <label htmlFor={filterId} className="field__label">
            {text.statusFilter}
          </label>
          <select id={filterId} className="field__input" value={statuses.join(",")} onChange={(event) => setStatusFilter(event.target.value)}>
            <option value="">{text.allStatuses}</option>
            <option value="0">{text.checking}</option>
            {(catalogue.data?.statuses ?? []).map((status) => (
              <option key={status.code} value={String(status.code)}>
                {status.label}
              </option>
            ))}
          </select>
        </div>
      </search>

      {selected.length > 0 && (
        <div className="bulk-bar" role="region" aria-label={text.bulk.selected(selected.length)}>
          <p className="bulk-bar__count">{text.bulk.selected(selected.length)}</p>
          {offered.length === 0 ? (
            <p className="bulk-bar__scope">{text.bulk.noCommonAction}</p>
          ) : (
            <>
              <label htmlFor={actionId} className="visually-hidden">
                {text.bulk.action}
              </label>
              <select id={actionId} value={bulkAction} onChange={(event) => setBulkAction(event.target.value as InvoiceAction | "")}>
                <option value="">{text.bulk.chooseAction}</option>
                {offered.map((action) => (
                  <option key={action} value={action}>
                    {text.verbs[action]}
                  </option>
                ))}
              </select>
              <button type="button" className="button button--small" disabled={!bulkAction} onClick={() => bulkAction && setActing(bulkAction)}>
                {text.bulk.apply}
              </button>
            </>
          )}
          <button type="button" className="button button--small button--quiet" onClick={() => setSelected([])}>
            {text.bulk.clear}
          </button>
        </div>
      )}

      {results && (
        <BulkResults label={results.label} results={results.results} numberOf={(id) => results.numbers[id] ?? text.noNumber} />
      )}
      {invoices.error instanceof ApiProblem && <ProblemMessage problem={invoices.error} />}
      {invoices.isPending && <p>{text.loading}</p>}
      {invoices.isSuccess && rows.length === 0 && <p className="empty">{statuses.length > 0 ? text.emptyFiltered : text.empty}</p>}
      {rows.length > 0 && (
        <DataTable
          caption={text.headings[direction]}
          data-testid={`invoices-${direction}`}
          busy={invoices.isPlaceholderData}
          columns={[
            {
              label: text.columns.select,
              kind: "select",
              className: "table__select",
              header: (
                <input
                  type="checkbox"
                  aria-label={text.selectAll}
                  checked={allSelected}
                  onChange={(event) => setSelected(event.target.checked ? rows.map((row) => row.id) : [])}
                />
              ),
            },
            text.columns.number,
            ...(clientId ? [] : [text.columns.client]),
            direction === "received" ? text.columns.seller : text.columns.buyer,
            text.columns.date,
            { label: text.columns.total, className: "numeric" },
            text.columns.status,
          ]}
        >
          {rows.map((row) => (
            <InvoiceRow
              key={row.id}
              row={row}
              direction={direction}
              showClient={!clientId}
              selected={selected.includes(row.id)}
              onSelect={(checked) => setSelected(checked ? [...selected, row.id] : selected.filter((id) => id !== row.id))}
              onOpen={() => setOpened({ id: row.id, number: row.invoice_number ?? text.noNumber })}
            />
          ))}
        </DataTable>
      )}
      {rows.length > 0 && (
        <LoadMore
          hasMore={Boolean(invoices.hasNextPage)}
          loading={invoices.isFetchingNextPage}
          onLoadMore={() => void invoices.fetchNextPage()}
          shown={rows.length}
        />
      )}
      <InvoiceDialog
        invoiceId={opened?.id ?? null}
        number={opened?.number ?? ""}
        catalogue={catalogue.data}
        onClose={() => setOpened(null)}
        onNotice={setNotice}
      />
      <ActionDialog
        action={acting}
        invoiceIds={selected}
        catalogue={catalogue.data}
        onClose={() => setActing(null)}
        onDone={(outcome) => {
          if (outcome.results) {
            const numbers = Object.fromEntries(selectedRows.map((row) => [row.id, row.invoice_number ?? text.noNumber]));
            setResults({ label: outcome.label, results: outcome.results, numbers });
            // The invoices done leave the selection; the failed ones stay, to try again.
            setSelected(outcome.results.filter((result) => !result.ok).map((result) => result.id));
          }
          setBulkAction("");
        }}
      />
    </section>
  );
}

function InvoiceRow({
  row,
  direction,
  showClient,
  selected,
  onSelect,
  onOpen,
}: {
  row: InvoiceSummary;
  direction: InvoiceDirection;
  showClient: boolean;
  selected: boolean;
  onSelect: (checked: boolean) => void;
  onOpen: () => void;
}) {
  const number = row.invoice_number ?? text.noNumber;
  return (
    <tr aria-selected={selected} data-invoice-id={row.id}>
      <td className="table__select">
        <input type="checkbox" aria-label={text.selectOne(number)} checked={selected} onChange={(event) => onSelect(event.target.checked)} />
      </td>
      <td>
        <button type="button" className="doc-link" aria-label={text.open(number)} onClick={onOpen}>
          {number}
        </button>
      </td>
      {showClient && <td>{row.client_name}</td>}
      <td>{(direction === "received" ? row.seller_name : row.buyer_name) ?? text.none}</td>
      <td>{row.issue_date ? formatDate(row.issue_date) : text.none}</td>
      <td className="numeric">{row.total_with_vat ? formatAmount(row.total_with_vat, row.currency ?? "EUR") : text.none}</td>
      <td>
        <InvoiceStatusBadge status={row.status} label={row.status_label} />
      </td>
    </tr>
  );
}

function BulkResults({
  label,
  results,
  numberOf,
}: {
  label: string;
  results: InvoiceBulkResult[];
  numberOf: (id: string) => string;
}) {
  const { ok, failed } = bulkCounts(results);
  return (
    <div className={failed > 0 ? "notice notice--warning" : "notice notice--success"} role="status" data-testid="invoice-bulk-results">
      <p>{text.bulk.summary(ok, failed)}</p>
      <ul aria-label={text.bulk.resultsCaption}>
        {results.map((result) => (
          <li key={result.id}>
            <strong>{numberOf(result.id)}</strong> : {result.ok ? text.bulk.ok(label) : (result.error?.title ?? "")}
            {result.error?.detail ? ` — ${result.error.detail}` : ""}
          </li>
        ))}
      </ul>
    </div>
  );
}
