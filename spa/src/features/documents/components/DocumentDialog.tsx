import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from "react";
import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatAmount, formatDate, formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { contentUrl, previewable, useDocumentPreview } from "../api/document-content";
import { useDocument, type DocumentDetail } from "../api/get-document";
import { OWN_SPACE, useFolders, type Folder } from "../api/list-folders";
import { useMoveDocument } from "../api/update-document";
import { folderPath, folderRows } from "../folder-tree";
import { documentsText } from "../text";
import { EinvoiceBadge } from "./EinvoiceBadge";

/**
 * One document: the preview (PDF or image), its metadata and e-invoice fields, the download,
 * and, with `documents:write`, the folder it is filed in.
 */
export function DocumentDialog({
  documentId,
  clientName,
  ownSpace,
  canWrite,
  onClose,
}: {
  documentId: string | null;
  /** Only in a firm: a company's space has one client. */
  clientName: ((id: string) => string) | undefined;
  /** A company user's own space: its folders are asked for without `client_id`. */
  ownSpace: boolean;
  canWrite: boolean;
  onClose: () => void;
}) {
  const document = useDocument(documentId);
  const detail = document.data && document.data.id === documentId ? document.data : null;
  // Once the document is loaded its client is known, and so are the folders it may go to.
  const folders = useFolders(detail ? (ownSpace ? OWN_SPACE : detail.client_id) : undefined);
  return (
    <ModalDialog open={documentId !== null} title={detail?.title ?? documentsText.preview} wide onClose={onClose}>
      {document.error instanceof ApiProblem && <ProblemMessage problem={document.error} />}
      {!detail && !document.error && <p role="status">{documentsText.loading}</p>}
      {detail && (
        <DocumentBody detail={detail} clientName={clientName} folders={folders.data}>
          {canWrite && (
            <FilingForm
              key={detail.id}
              detail={detail}
              folders={folders.data}
              foldersProblem={folders.error instanceof ApiProblem ? folders.error : null}
            />
          )}
        </DocumentBody>
      )}
      <div className="dialog__actions">
        {detail && (
          <a className="button" href={contentUrl(detail.id)} download={detail.original_filename}>
            {documentsText.download}
          </a>
        )}
        <button type="button" className="button button--primary" onClick={onClose}>
          {documentsText.close}
        </button>
      </div>
    </ModalDialog>
  );
}

/**
 * « Classer dans un dossier »: the client's folder tree as paths, or none. Saving refreshes
 * the list and the document (api/update-document.ts); the dialog stays open on the result.
 */
function FilingForm({
  detail,
  folders,
  foldersProblem,
}: {
  detail: DocumentDetail;
  folders: readonly Folder[] | undefined;
  foldersProblem: ApiProblem | null;
}) {
  const text = documentsText.filing;
  const ids = useId();
  const [folderId, setFolderId] = useState(detail.folder_id ?? "");
  const move = useMoveDocument();
  // The confirmation of the last move; the next attempt replaces it (or its error does).
  const [notice, setNotice] = useState<string | null>(null);
  const unchanged = folderId === (detail.folder_id ?? "");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (unchanged || !folders) return;
    const target = folderId === "" ? null : folderId;
    setNotice(null);
    move.mutate(
      { documentId: detail.id, folderId: target },
      {
        onSuccess: (document) =>
          setNotice(target ? text.moved(document.title, folderPath(folders, target)) : text.unfiled(document.title)),
      },
    );
  };

  return (
    <form className="doc-filing" aria-labelledby={`${ids}-heading`} onSubmit={submit}>
      <h3 id={`${ids}-heading`}>{text.heading}</h3>
      {notice && (
        <div className="doc-notice" role="status">
          <p>{notice}</p>
        </div>
      )}
      {foldersProblem && <ProblemMessage problem={foldersProblem} />}
      {move.error instanceof ApiProblem && <ProblemMessage problem={move.error} />}
      <div className="doc-filing__row">
        <div className="field">
          <label htmlFor={`${ids}-folder`}>{text.folder}</label>
          <select
            id={`${ids}-folder`}
            value={folderId}
            disabled={!folders || move.isPending}
            onChange={(event) => setFolderId(event.target.value)}
          >
            {!folders && !foldersProblem ? (
              <option value={folderId}>{text.loading}</option>
            ) : (
              <>
                <option value="">{text.noFolder}</option>
                {folderRows(folders ?? []).map(({ folder }) => (
                  <option key={folder.id} value={folder.id}>
                    {folderPath(folders ?? [], folder.id)}
                  </option>
                ))}
              </>
            )}
          </select>
        </div>
        <button type="submit" className="button" disabled={unchanged || !folders || move.isPending}>
          {move.isPending ? text.pending : text.submit}
        </button>
      </div>
    </form>
  );
}

function DocumentBody({
  detail,
  clientName,
  folders,
  children,
}: {
  detail: DocumentDetail;
  clientName: ((id: string) => string) | undefined;
  /** The client's folders, once loaded. */
  folders: readonly Folder[] | undefined;
  /** Under the metadata, before the e-invoice fields: what the user may change. */
  children: ReactNode;
}) {
  const fields = documentsText.fields;
  const none = documentsText.none;
  const folderName = detail.folder_id && folders ? folderPath(folders, detail.folder_id) || none : none;
  const amount = (value: string | null) => (value ? formatAmount(value, detail.currency ?? "EUR") : none);
  const party = (name: string | null, siren: string | null, vat: string | null) =>
    [name, siren && `SIREN ${siren}`, vat && `TVA ${vat}`].filter(Boolean).join(" · ") || none;
  return (
    <div className="doc-detail">
      <Preview detail={detail} />
      <div className="doc-detail__meta">
        <h3>{documentsText.metadata}</h3>
        <dl className="doc-fields">
          {clientName && <Field label={fields.client}>{clientName(detail.client_id)}</Field>}
          <Field label={fields.folder}>{folderName}</Field>
          <Field label={fields.type}>{documentsText.typeSingular[detail.type]}</Field>
          <Field label={fields.file}>{detail.original_filename}</Field>
          <Field label={fields.size}>{documentsText.bytes(detail.size)}</Field>
          <Field label={fields.date}>{formatDate(detail.document_date)}</Field>
          {detail.period_start && detail.period_end && (
            <Field label={fields.period}>
              {documentsText.periodRange(formatDate(detail.period_start), formatDate(detail.period_end))}
            </Field>
          )}
          <Field label={fields.source}>{documentsText.sources[detail.source] ?? detail.source}</Field>
          <Field label={fields.createdAt}>{formatDateTime(detail.created_at)}</Field>
        </dl>
        {children}
        {detail.einvoice_status && detail.einvoice_status !== "unrecognised" && (
          <>
            <h3>
              {documentsText.einvoiceHeading} <EinvoiceBadge status={detail.einvoice_status} format={detail.einvoice_format} />
            </h3>
            <dl className="doc-fields" data-testid="einvoice-fields">
              {detail.einvoice_error && <Field label={fields.error}>{detail.einvoice_error}</Field>}
              <Field label={fields.number}>{detail.invoice_number ?? none}</Field>
              <Field label={fields.issueDate}>{detail.issue_date ? formatDate(detail.issue_date) : none}</Field>
              <Field label={fields.dueDate}>{detail.due_date ? formatDate(detail.due_date) : none}</Field>
              <Field label={fields.seller}>{party(detail.seller_name, detail.seller_siren, detail.seller_vat_number)}</Field>
              <Field label={fields.buyer}>{party(detail.buyer_name, detail.buyer_siren, detail.buyer_vat_number)}</Field>
              <Field label={fields.totalExcl}>{amount(detail.total_excl_vat)}</Field>
              <Field label={fields.totalVat}>{amount(detail.total_vat)}</Field>
              <Field label={fields.totalIncl}>{amount(detail.total_incl_vat)}</Field>
              <Field label={fields.currency}>{detail.currency ?? none}</Field>
            </dl>
          </>
        )}
      </div>
    </div>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="doc-fields__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Preview({ detail }: { detail: DocumentDetail }) {
  const kind = previewable(detail.media_type);
  const preview = useDocumentPreview(detail.id, detail.media_type, detail.size);
  const url = useMemo(() => (preview.data ? URL.createObjectURL(preview.data) : null), [preview.data]);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);

  if (!kind || (preview.fetchStatus === "idle" && !preview.data)) {
    return <p className="doc-preview doc-preview--empty">{documentsText.previewUnavailable}</p>;
  }
  if (preview.error) {
    return <p className="doc-preview doc-preview--empty" role="alert">{documentsText.previewFailed}</p>;
  }
  if (!url) {
    return <p className="doc-preview doc-preview--empty" role="status">{documentsText.previewLoading}</p>;
  }
  const title = documentsText.previewTitle(detail.title);
  return kind === "pdf" ? (
    <iframe className="doc-preview" src={url} title={title} data-testid="document-preview" />
  ) : (
    <img className="doc-preview" src={url} alt={title} data-testid="document-preview" />
  );
}
