import { useEffect, useId, useMemo, useState, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { DataTable } from "@/components/DataTable";
import { DateField } from "@/components/DateField";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatAmount, formatDate } from "@/lib/format";
import { useCan } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { useDeleteDocument } from "../api/delete-document";
import { useClientOptions } from "../api/list-client-options";
import {
  DOCUMENT_SORTS,
  DOCUMENT_TYPES,
  useDocuments,
  type DocumentFilters,
  type DocumentListItem,
  type DocumentSort,
  type DocumentType,
} from "../api/list-documents";
import { OWN_SPACE, useFolders } from "../api/list-folders";
import { folderPath } from "../folder-tree";
import { documentsText } from "../text";
import { documentFiltersFromSearch, searchFromDocumentFilters } from "../url-filters";
import { DocumentDialog } from "./DocumentDialog";
import { EinvoiceBadge } from "./EinvoiceBadge";
import { FoldersPanel } from "./FoldersPanel";
import { UploadDialog } from "./UploadDialog";

/** « Documents clients »: the cross-client list, its filters and counts, folders, upload, preview, delete. */
/** `flows`: what app/ shows under the list for the client filtered on (the flows feature). */
type FlowsSlot = (clientId: string | undefined) => ReactNode;

export function DocumentsPage({ flows }: { flows?: FlowsSlot } = {}) {
  return <DocumentsWorkspace space="firm" flows={flows} />;
}

/** A client company's own space: its documents and the folders it shares with its firm. */
export function CompanyDocumentsPage({ flows }: { flows?: FlowsSlot } = {}) {
  return <DocumentsWorkspace space="company" flows={flows} />;
}

/**
 * One screen for both sides of the sharing space. A firm picks the client (filter, column,
 * upload); a company user has one, which the API scopes to by itself.
 */
function DocumentsWorkspace({ space, flows }: { space: "firm" | "company"; flows?: FlowsSlot | undefined }) {
  const inFirm = space === "firm";
  const can = useCan();
  const canWrite = can("documents:write");
  const [searchParams, setSearchParams] = useSearchParams();
  const { q: addressQ, ...filters } = useMemo(() => documentFiltersFromSearch(searchParams), [searchParams]);
  const setFilters = (next: Omit<DocumentFilters, "q">, nextQ: string | undefined = addressQ) =>
    setSearchParams(searchFromDocumentFilters({ ...next, q: nextQ }), { replace: true });
  const [typed, setTyped] = useState(addressQ ?? "");
  const q = useDebouncedValue(typed.trim());
  // The typed search reaches the address once the user pauses (as in « Clients »).
  useEffect(() => {
    if (q === typed.trim() && q !== (addressQ ?? "")) {
      setSearchParams(searchFromDocumentFilters({ ...filters, q: q || undefined }), { replace: true });
    }
  }, [q, typed, addressQ, filters, setSearchParams]);
  const periodReversed = Boolean(filters.date_from && filters.date_to && filters.date_from > filters.date_to);
  const query: DocumentFilters = {
    ...filters,
    date_to: periodReversed ? undefined : filters.date_to,
    q: q.length >= 2 ? q : undefined,
  };
  const documents = useDocuments(query);
  const rows = useMemo(() => documents.data?.pages.flatMap((page) => page.items) ?? [], [documents.data]);
  const counts = documents.data?.pages[0]?.counts ?? null;
  const clients = useClientOptions(inFirm);
  const clientNames = useMemo(() => new Map((clients.data ?? []).map((client) => [client.id, client.name])), [clients.data]);
  // Whose folders: the client filtered on (firm), or the company's own space.
  const folderClientId = inFirm ? filters.client_id : OWN_SPACE;
  const folders = useFolders(folderClientId);
  const folderList = useMemo(() => folders.data ?? [], [folders.data]);
  const filtered = Boolean(filters.client_id || filters.folder_id || filters.type || filters.date_from || filters.date_to || q);
  const clientName = (id: string) => clientNames.get(id) ?? documentsText.none;
  const folderName = (id: string | null) => (id ? folderPath(folderList, id) || documentsText.none : documentsText.none);

  const [uploadOpen, setUploadOpen] = useState(false);
  const [openedId, setOpenedId] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<{ id: string; title: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const remove = useDeleteDocument();

  const ids = useId();
  const field = (name: string) => `${ids}-${name}`;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>{inFirm ? documentsText.pageTitle : documentsText.companyPageTitle}</h1>
          <p className="lead">{inFirm ? documentsText.intro : documentsText.companyIntro}</p>
        </div>
        {canWrite && (
          <div className="toolbar">
            <button type="button" className="button button--primary" onClick={() => setUploadOpen(true)}>
              {documentsText.upload}
            </button>
          </div>
        )}
      </div>

      {notice && (
        <div className="doc-notice" role="status">
          <p>{notice}</p>
        </div>
      )}
      {remove.error instanceof ApiProblem && <ProblemMessage problem={remove.error} />}

      <search className="filters" aria-label={documentsText.filtersHeading}>
        <div className="field filters__search">
          <label htmlFor={field("q")}>{documentsText.searchLabel}</label>
          <input
            id={field("q")}
            type="search"
            placeholder={documentsText.searchPlaceholder}
            value={typed}
            maxLength={100}
            onChange={(event) => setTyped(event.target.value)}
          />
        </div>
        {inFirm && (
          <div className="field">
            <label htmlFor={field("client")}>{documentsText.filterClient}</label>
            <select
              id={field("client")}
              value={filters.client_id ?? ""}
              onChange={(event) => setFilters({ ...filters, client_id: event.target.value || undefined, folder_id: undefined })}
            >
              <option value="">{documentsText.filterAllClients}</option>
              {(clients.data ?? []).map((client) => (
                <option key={client.id} value={client.id}>
                  {client.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={field("type")}>{documentsText.filterType}</label>
          <select
            id={field("type")}
            value={filters.type ?? ""}
            onChange={(event) => setFilters({ ...filters, type: (event.target.value || undefined) as DocumentType | undefined })}
          >
            <option value="">{documentsText.filterAllTypes}</option>
            {DOCUMENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {documentsText.types[type]}
              </option>
            ))}
          </select>
        </div>
        <DateField
          label={documentsText.filterFrom}
          value={filters.date_from}
          onChange={(date_from) => setFilters({ ...filters, date_from })}
        />
        <DateField
          label={documentsText.filterTo}
          value={filters.date_to}
          error={periodReversed ? documentsText.periodReversed : undefined}
          onChange={(date_to) => setFilters({ ...filters, date_to })}
        />
        <div className="field">
          <label htmlFor={field("sort")}>{documentsText.sortLabel}</label>
          <select
            id={field("sort")}
            value={filters.sort}
            onChange={(event) => setFilters({ ...filters, sort: event.target.value as DocumentSort })}
          >
            {DOCUMENT_SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {documentsText.sort[sort]}
              </option>
            ))}
          </select>
        </div>
        {filtered && (
          <button
            type="button"
            className="button button--small button--quiet filters__reset"
            onClick={() => {
              setTyped("");
              setFilters({ sort: filters.sort }, undefined);
            }}
          >
            {documentsText.resetFilters}
          </button>
        )}
      </search>

      {counts && (
        <ul className="doc-counts" aria-label={documentsText.countsHeading}>
          {DOCUMENT_TYPES.map((type) => (
            <li key={type}>
              <button
                type="button"
                className="doc-counts__item"
                data-type={type}
                aria-pressed={filters.type === type}
                onClick={() => setFilters({ ...filters, type: filters.type === type ? undefined : type })}
              >
                <span className="doc-counts__value">{counts[type]}</span>
                <span className="doc-counts__label">{documentsText.types[type]}</span>
              </button>
            </li>
          ))}
        </ul>
      )}

      {/* Without a client chosen, the folders panel is only a hint: above the list, which
          keeps the whole width for its columns. */}
      <div className={folderClientId ? "doc-layout" : "doc-layout doc-layout--stacked"}>
        <FoldersPanel
          clientId={folderClientId}
          folders={folderList}
          loading={folders.isLoading}
          problem={folders.error instanceof ApiProblem ? folders.error : null}
          emptyHint={documentsText.folders.pickClient}
          selectedId={filters.folder_id}
          canWrite={canWrite}
          onSelect={(folder_id) => setFilters({ ...filters, folder_id })}
          onNotice={setNotice}
        />
        <div className="doc-layout__list">
          {documents.error instanceof ApiProblem && <ProblemMessage problem={documents.error} />}
          {documents.isPending && <p role="status">{documentsText.loading}</p>}
          {documents.data && rows.length === 0 && (
            <p className="empty card">
              {filtered ? documentsText.empty : documentsText.emptyAll}
              {!filtered && inFirm && canWrite && (
                <>
                  {" "}
                  {/* Starts the « Assistance » guided tour (features/help reads `visite`). */}
                  <Link to="?visite=file-document">{documentsText.fileTour}</Link>
                </>
              )}
            </p>
          )}
          {rows.length > 0 && (
            <DocumentsTable
              rows={rows}
              clientName={inFirm ? clientName : undefined}
              folderName={folderClientId ? folderName : undefined}
              canWrite={canWrite}
              busy={documents.isFetching && !documents.isFetchingNextPage}
              onOpen={setOpenedId}
              onDelete={(row) => setToDelete({ id: row.id, title: row.title })}
            />
          )}
          {rows.length > 0 && (
            <div className="list-footer">
              <p className="muted" aria-live="polite">
                {documentsText.shownCount(rows.length)}
                {!documents.hasNextPage && ` ${documentsText.endOfList}`}
              </p>
              {documents.hasNextPage && (
                <button
                  type="button"
                  className="button"
                  disabled={documents.isFetchingNextPage}
                  onClick={() => void documents.fetchNextPage()}
                >
                  {documents.isFetchingNextPage ? documentsText.loadingMore : documentsText.loadMore}
                </button>
              )}
            </div>
          )}
        </div>
      </div>

      {canWrite && (
        <UploadDialog
          open={uploadOpen}
          clients={inFirm ? (clients.data ?? []) : undefined}
          defaultClientId={folderClientId}
          defaultFolderId={filters.folder_id}
          onClose={() => setUploadOpen(false)}
          onUploaded={(document) => {
            setUploadOpen(false);
            setNotice(documentsText.uploaded(document.title));
          }}
        />
      )}
      {flows?.(inFirm ? filters.client_id : undefined)}
      <DocumentDialog
        documentId={openedId}
        clientName={inFirm ? clientName : undefined}
        ownSpace={!inFirm}
        canWrite={canWrite}
        onClose={() => setOpenedId(null)}
      />
      <ConfirmDialog
        open={toDelete !== null}
        title={documentsText.confirmDeleteTitle}
        confirmLabel={documentsText.remove}
        pending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (!toDelete) return;
          const { id, title } = toDelete;
          remove.mutate(id, {
            onSuccess: () => setNotice(documentsText.deleted(title)),
            onSettled: () => setToDelete(null),
          });
        }}
      >
        <p>{toDelete ? documentsText.confirmDelete(toDelete.title) : null}</p>
      </ConfirmDialog>
    </>
  );
}

function DocumentsTable({
  rows,
  clientName,
  folderName,
  canWrite,
  busy,
  onOpen,
  onDelete,
}: {
  rows: DocumentListItem[];
  /** Only in a firm: a company's space has one client. */
  clientName: ((id: string) => string) | undefined;
  /** Once the client's folders are known. */
  folderName: ((id: string | null) => string) | undefined;
  canWrite: boolean;
  busy: boolean;
  onOpen: (id: string) => void;
  onDelete: (row: DocumentListItem) => void;
}) {
  const columns = documentsText.columns;
  return (
    <DataTable
      caption={documentsText.listCaption}
      className="doc-table"
      data-testid="documents-table"
      busy={busy}
      columns={[
        columns.document,
        ...(clientName ? [columns.client] : []),
        ...(folderName ? [columns.folder] : []),
        columns.type,
        columns.date,
        columns.number,
        columns.parties,
        { label: columns.total, className: "doc-numeric" },
        ...(canWrite
          ? [{ label: columns.actions, kind: "actions" as const, header: <span className="visually-hidden">{columns.actions}</span> }]
          : []),
      ]}
    >
      {rows.map((row) => (
        <tr key={row.id} data-document-id={row.id}>
          <td>
            <button
              type="button"
              className="doc-link"
              onClick={() => onOpen(row.id)}
              aria-label={documentsText.open(row.title)}
            >
              {row.title}
            </button>
            <EinvoiceBadge status={row.einvoice_status} format={row.einvoice_format} />
          </td>
          {clientName && <td>{clientName(row.client_id)}</td>}
          {folderName && <td>{folderName(row.folder_id)}</td>}
          <td>{documentsText.typeSingular[row.type]}</td>
          <td>
            <time dateTime={row.document_date}>{formatDate(row.document_date)}</time>
          </td>
          <td>{row.invoice_number ?? documentsText.none}</td>
          <td>
            {row.seller_name || row.buyer_name ? (
              <>
                {row.seller_name ?? documentsText.none}
                <span className="doc-parties__separator" aria-hidden="true">
                  {" → "}
                </span>
                <span className="visually-hidden"> / </span>
                {row.buyer_name ?? documentsText.none}
              </>
            ) : (
              documentsText.none
            )}
          </td>
          <td className="doc-numeric">
            {row.total_incl_vat ? formatAmount(row.total_incl_vat, row.currency ?? "EUR") : documentsText.none}
          </td>
          {canWrite && (
            <td>
              <button
                type="button"
                className="button button--small button--quiet"
                aria-label={documentsText.removeLabel(row.title)}
                onClick={() => onDelete(row)}
              >
                {documentsText.remove}
              </button>
            </td>
          )}
        </tr>
      ))}
    </DataTable>
  );
}
