import { useEffect, useId, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { DataTable, type Column } from "@/components/DataTable";
import { PaStatusBadge } from "@/components/PaStatusBadge";
import { ProblemMessage } from "@/components/ProblemMessage";
import { componentsText } from "@/components/text";
import { formatDate } from "@/lib/format";
import { useCan } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import type { components } from "@/api/schema";
import { useAddFirmItself } from "../api/add-firm-itself";
import { useExportClients } from "../api/downloads";
import { memberName, useAccountants } from "../api/list-accountants";
import { collectClientIds, MAX_SELECTED, TooManyClients, useClients, useFirmItselfClient, type ClientListItem } from "../api/list-clients";
import { usePlans } from "../api/list-plans";
import {
  CLIENT_STATUSES,
  filtersFromSearch,
  hasFilters,
  nextSort,
  normaliseQuery,
  MANDATE_STAGES,
  PA_STATUSES,
  searchFromFilters,
  sortDirection,
  toApiQuery,
  type ClientListFilters,
  type SortKey,
} from "../list-filters";
import { clientsText } from "../text";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { AddClientDialog } from "./AddClientDialog";
import { ClientStatusBadge } from "./Badges";
import { BulkActionBar, BulkResults, type BulkOutcome, type ClientSelection, type ClientsBulkAction } from "./BulkActions";

type ClientOut = components["schemas"]["ClientOut"];

/** « Clients »: search, filters, sortable columns, « Charger plus », selection and bulk actions. */
export function ClientsPage({ extraBulkActions = [] }: { extraBulkActions?: readonly ClientsBulkAction[] }) {
  const can = useCan();
  const canManage = can("clients:manage");
  const canPickAccountants = can("members:read");
  const canSelect = canManage || extraBulkActions.length > 0;
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(searchParams), [searchParams]);
  const setFilters = (next: ClientListFilters) => setSearchParams(searchFromFilters(next), { replace: true });

  const [addOpen, setAddOpen] = useState(false);
  const [created, setCreated] = useState<ClientOut | null>(null);
  const addFirmItself = useAddFirmItself();
  const exportClients = useExportClients();

  // The selection belongs to one search: another filter starts a new one.
  const filtersKey = searchFromFilters({ ...filters, sort: "name" }).toString();
  const [selection, setSelection] = useState<{ key: string; ids: string[]; wholeFilter: boolean }>({
    key: filtersKey,
    ids: [],
    wholeFilter: false,
  });
  const selectedIds = selection.key === filtersKey ? selection.ids : [];
  const wholeFilter = selection.key === filtersKey && selection.wholeFilter;
  const setSelectedIds = (ids: string[], whole = false) => setSelection({ key: filtersKey, ids, wholeFilter: whole });
  const [bulkOutcome, setBulkOutcome] = useState<BulkOutcome | null>(null);
  const [collecting, setCollecting] = useState<{ count: number; error: string | null } | null>(null);
  const firmItself = useFirmItselfClient(canManage);

  const clients = useClients(filters);
  const rows = useMemo(() => clients.data?.pages.flatMap((page) => page.items) ?? [], [clients.data]);
  const names = useMemo(() => new Map(rows.map((row) => [row.id, row.legal_name])), [rows]);
  const plans = usePlans();
  const planNames = useMemo(() => new Map(plans.data?.map((plan) => [plan.code, plan.name])), [plans.data]);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>{clientsText.pageTitle}</h1>
          <p className="lead">{canManage ? clientsText.intro : clientsText.introAccountant}</p>
        </div>
        <div className="toolbar">
          {canManage && (
            <>
              <button type="button" className="button button--primary" onClick={() => setAddOpen(true)}>
                {clientsText.addClient}
              </button>
              <Link className="button" to="/clients/import">
                {clientsText.importClients}
              </Link>
              {/* Once the firm is its own client, there is nothing left to add. */}
              {firmItself.data === null && (
                <button
                  type="button"
                  className="button"
                  disabled={addFirmItself.isPending}
                  onClick={() => addFirmItself.mutate(undefined, { onSuccess: setCreated })}
                >
                  {clientsText.addFirmItself}
                </button>
              )}
            </>
          )}
          <button
            type="button"
            className="button"
            disabled={exportClients.isPending}
            onClick={() => exportClients.mutate(filters)}
          >
            {exportClients.isPending ? clientsText.exporting : clientsText.exportExcel}
          </button>
        </div>
      </div>

      {addFirmItself.error instanceof ApiProblem && <ProblemMessage problem={addFirmItself.error} />}
      {exportClients.error instanceof ApiProblem && <ProblemMessage problem={exportClients.error} />}
      {created && (
        <div className="notice notice--success" role="status">
          <p>
            {created.is_firm_itself ? clientsText.firmItselfAdded(created.legal_name) : clientsText.added(created.legal_name)}{" "}
            <Link to={`/clients/${created.id}`}>{clientsText.openClient}</Link>
          </p>
        </div>
      )}

      <Filters filters={filters} onChange={setFilters} canPickAccountants={canPickAccountants} />

      {bulkOutcome && (
        <BulkResults
          outcome={bulkOutcome}
          nameOf={(id) => names.get(id) ?? id}
          onDismiss={() => setBulkOutcome(null)}
        />
      )}
      {canSelect && selectedIds.length > 0 && (
        <BulkActionBar
          selection={selectionOf(selectedIds, wholeFilter ? filters : null)}
          canManage={canManage}
          canPickAccountants={canPickAccountants}
          extraActions={extraBulkActions}
          onClear={() => setSelectedIds([])}
          onDone={(outcome) => {
            setBulkOutcome(outcome);
            setSelectedIds(outcome.results.filter((result) => !result.ok).map((result) => result.id));
          }}
        >
          {wholeFilter ? (
            <p className="bulk-bar__scope" data-testid="whole-filter-selected">
              {clientsText.wholeFilterSelected(selectedIds.length)}
            </p>
          ) : (
            clients.hasNextPage &&
            rows.every((row) => selectedIds.includes(row.id)) && (
              <button
                type="button"
                className="button button--small button--link"
                disabled={collecting !== null && collecting.error === null}
                onClick={() => {
                  setCollecting({ count: 0, error: null });
                  collectClientIds(filters, (count) => setCollecting({ count, error: null }))
                    .then((ids) => {
                      setCollecting(null);
                      setSelectedIds(ids, true);
                    })
                    .catch((error: unknown) =>
                      setCollecting({
                        count: 0,
                        error:
                          error instanceof TooManyClients
                            ? clientsText.tooManySelected(MAX_SELECTED)
                            : error instanceof ApiProblem
                              ? error.title
                              : clientsText.selectWholeFilterFailed,
                      }),
                    );
                }}
              >
                {collecting && collecting.error === null
                  ? clientsText.collectingIds(collecting.count)
                  : clientsText.selectWholeFilter}
              </button>
            )
          )}
          {collecting?.error && (
            <p className="field__error" role="alert">
              {collecting.error}
            </p>
          )}
        </BulkActionBar>
      )}

      {clients.error instanceof ApiProblem && <ProblemMessage problem={clients.error} />}
      {clients.isPending && <p role="status">{clientsText.loading}</p>}
      {clients.data && rows.length === 0 && (
        <p className="empty card">
          {hasFilters(filters) ? clientsText.empty : canManage ? clientsText.emptyFirm : clientsText.emptyAssigned}
          {!hasFilters(filters) && canManage && (
            <>
              {" "}
              {/* Starts the « Assistance » guided tour (features/help reads `visite`). */}
              <Link to="?visite=import-clients">{clientsText.importTour}</Link>
            </>
          )}
        </p>
      )}
      {rows.length > 0 && (
        <ClientsTable
          rows={rows}
          filters={filters}
          onSort={(key) => setFilters({ ...filters, sort: nextSort(filters.sort, key) })}
          selectable={canSelect}
          selectedIds={selectedIds}
          onSelect={setSelectedIds}
          planName={(code) => (code ? (planNames.get(code) ?? code) : clientsText.none)}
          busy={clients.isFetching && !clients.isFetchingNextPage}
        />
      )}
      {rows.length > 0 && (
        <div className="list-footer">
          <p className="muted" aria-live="polite">
            {clientsText.shownCount(rows.length)}
            {!clients.hasNextPage && ` ${clientsText.endOfList}`}
          </p>
          {clients.hasNextPage && (
            <button
              type="button"
              className="button"
              disabled={clients.isFetchingNextPage}
              onClick={() => void clients.fetchNextPage()}
            >
              {clients.isFetchingNextPage ? clientsText.loadingMore : clientsText.loadMore}
            </button>
          )}
        </div>
      )}

      <AddClientDialog
        open={addOpen}
        onClose={() => setAddOpen(false)}
        onCreated={(client) => {
          setAddOpen(false);
          setCreated(client);
        }}
      />
    </>
  );
}

/** The selection as the bulk actions take it: the ids, and the filters when all were chosen. */
function selectionOf(ids: readonly string[], filters: ClientListFilters | null): ClientSelection {
  if (!filters) return { ids, filter: null };
  const query = toApiQuery(filters);
  return {
    ids,
    filter: {
      q: query.q ?? null,
      status: query.status ?? null,
      pa_status: query.pa_status ?? null,
      assignee: query.assignee ?? null,
      plan: query.plan ?? null,
    },
  };
}

function Filters({
  filters,
  onChange,
  canPickAccountants,
}: {
  filters: ClientListFilters;
  onChange: (filters: ClientListFilters) => void;
  canPickAccountants: boolean;
}) {
  const ids = useId();
  const plans = usePlans();
  const accountants = useAccountants(canPickAccountants);
  const [typed, setTyped] = useState(filters.q ?? "");
  const debounced = normaliseQuery(useDebouncedValue(typed));
  // The typed search reaches the address (and the API) once the user pauses; not while the
  // pause is still running (after « Réinitialiser » the old text would come back).
  useEffect(() => {
    if (debounced !== (filters.q ?? "") && debounced === normaliseQuery(typed)) {
      onChange({ ...filters, q: debounced || undefined });
    }
  }, [debounced, typed, filters, onChange]);

  const select = (name: string, label: string, value: string | undefined, options: [string, string][], all: string, apply: (value: string | undefined) => void) => (
    <div className="field">
      <label htmlFor={`${ids}-${name}`}>{label}</label>
      <select id={`${ids}-${name}`} value={value ?? ""} onChange={(event) => apply(event.target.value || undefined)}>
        <option value="">{all}</option>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <search className="filters" aria-label={clientsText.filtersHeading}>
      <div className="field filters__search">
        <label htmlFor={`${ids}-q`}>{clientsText.searchLabel}</label>
        <input
          id={`${ids}-q`}
          type="search"
          placeholder={clientsText.searchPlaceholder}
          value={typed}
          maxLength={100}
          onChange={(event) => setTyped(event.target.value)}
        />
      </div>
      {select(
        "status",
        clientsText.filterStatus,
        filters.status,
        CLIENT_STATUSES.map((status) => [status, clientsText.clientStatus[status] ?? status]),
        clientsText.filterAll,
        (status) => onChange({ ...filters, status: status as ClientListFilters["status"] }),
      )}
      {select(
        "pa",
        clientsText.filterPaStatus,
        filters.pa_status,
        PA_STATUSES.map((status) => [status, componentsText.paStatus[status]]),
        clientsText.filterAllFeminine,
        (status) => onChange({ ...filters, pa_status: status as ClientListFilters["pa_status"] }),
      )}
      {select(
        "mandate",
        clientsText.filterMandateStage,
        filters.mandate_stage,
        MANDATE_STAGES.map((stage) => [stage, clientsText.mandateStage[stage] ?? stage]),
        clientsText.filterAll,
        (stage) => onChange({ ...filters, mandate_stage: stage as ClientListFilters["mandate_stage"] }),
      )}
      {canPickAccountants &&
        select(
          "assignee",
          clientsText.filterAssignee,
          filters.assignee,
          (accountants.data ?? []).map((member) => [member.user_id, memberName(member)]),
          clientsText.filterAll,
          (assignee) => onChange({ ...filters, assignee }),
        )}
      {select(
        "plan",
        clientsText.filterPlan,
        filters.plan,
        [...(plans.data ?? []).map((plan): [string, string] => [plan.code, plan.name]), ["none", clientsText.filterNoPlan]],
        clientsText.filterAllFeminine,
        (plan) => onChange({ ...filters, plan }),
      )}
      {hasFilters(filters) && (
        <button
          type="button"
          className="button button--small button--quiet filters__reset"
          onClick={() => {
            setTyped("");
            onChange({ sort: filters.sort });
          }}
        >
          {clientsText.resetFilters}
        </button>
      )}
    </search>
  );
}

const SORTABLE: { key: SortKey; label: string }[] = [
  { key: "name", label: clientsText.columns.name },
  { key: "siren", label: clientsText.columns.siren },
  { key: "created_at", label: clientsText.columns.createdAt },
];

/** A sortable column: its header is a button that sorts by it, and says the current order. */
function sortColumn(sortKey: SortKey, filters: ClientListFilters, onSort: (key: SortKey) => void): Column {
  const label = SORTABLE.find((column) => column.key === sortKey)?.label ?? sortKey;
  const direction = sortDirection(filters.sort, sortKey);
  return {
    label,
    "aria-sort": direction,
    header: (
      <button type="button" className="sort-button" onClick={() => onSort(sortKey)} title={clientsText.sortBy(label)}>
        {label}
        <span className="sort-button__arrow" aria-hidden="true">
          {direction === "ascending" ? "▲" : direction === "descending" ? "▼" : "↕"}
        </span>
      </button>
    ),
  };
}

function ClientsTable({
  rows,
  filters,
  onSort,
  selectable,
  selectedIds,
  onSelect,
  planName,
  busy,
}: {
  rows: ClientListItem[];
  filters: ClientListFilters;
  onSort: (key: SortKey) => void;
  selectable: boolean;
  selectedIds: readonly string[];
  onSelect: (ids: string[]) => void;
  planName: (code: string | null) => string;
  busy: boolean;
}) {
  const selected = new Set(selectedIds);
  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.id));
  const someSelected = !allSelected && rows.some((row) => selected.has(row.id));
  return (
    <DataTable
      caption={clientsText.listCaption}
      className="table--clients"
      data-testid="clients-table"
      busy={busy}
      columns={[
        ...(selectable
          ? [
              {
                label: clientsText.selectAll,
                kind: "select" as const,
                className: "table__select",
                header: (
                  <input
                    type="checkbox"
                    aria-label={clientsText.selectAll}
                    checked={allSelected}
                    ref={(input) => {
                      if (input) input.indeterminate = someSelected;
                    }}
                    onChange={(event) => onSelect(event.target.checked ? rows.map((row) => row.id) : [])}
                  />
                ),
              },
            ]
          : []),
        sortColumn("name", filters, onSort),
        sortColumn("siren", filters, onSort),
        clientsText.columns.city,
        clientsText.columns.status,
        clientsText.columns.paStatus,
        clientsText.columns.plan,
        sortColumn("created_at", filters, onSort),
      ]}
    >
      {rows.map((row) => (
      <tr key={row.id} aria-selected={selectable ? selected.has(row.id) : undefined}>
        {selectable && (
          <td className="table__select">
            <input
              type="checkbox"
              aria-label={clientsText.selectClient(row.legal_name)}
              checked={selected.has(row.id)}
              onChange={(event) =>
                onSelect(
                  event.target.checked ? [...selectedIds, row.id] : selectedIds.filter((id) => id !== row.id),
                )
              }
            />
          </td>
        )}
        <td>
          <Link to={`/clients/${row.id}`} className="table__primary">
            {row.legal_name}
          </Link>
          {row.is_firm_itself && <span className="tag tag--brand">{clientsText.firmItselfBadge}</span>}
        </td>
        <td className="numeric">{row.siren}</td>
        <td>{row.city ?? clientsText.none}</td>
        <td>
          <ClientStatusBadge status={row.status} invitation={row.invitation_status} />
        </td>
        <td>
          <PaStatusBadge status={row.pa_status} />
        </td>
        <td>{planName(row.plan_code)}</td>
        <td>
          <time dateTime={row.created_at}>{formatDate(row.created_at)}</time>
        </td>
      </tr>
      ))}
    </DataTable>
  );
}
