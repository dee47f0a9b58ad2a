import { useEffect, useMemo, type ReactNode } from "react";
import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatAmount, formatDate, formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { contentUrl, previewable, useDocumentPreview } from "../api/document-content";
import { useDocument, type DocumentDetail } from "../api/get-document";
import { documentsText } from "../text";
import { EinvoiceBadge } from "./EinvoiceBadge";

/** One document: the preview (PDF or image), its metadata and e-invoice fields, the download. */
export function DocumentDialog({
  documentId,
  clientName,
  folderName,
  onClose,
}: {
  documentId: string | null;
  /** Only in a firm: a company's space has one client. */
  clientName: ((id: string) => string) | undefined;
  folderName: ((id: string | null) => string) | undefined;
  onClose: () => void;
}) {
  const document = useDocument(documentId);
  const detail = document.data && document.data.id === documentId ? document.data : null;
  return (
    <ModalDialog open={documentId !== null} title={detail?.title ?? documentsText.preview} wide onClose={onClose}>
      {document.error instanceof ApiProblem && <ProblemMessage problem={document.error} />}
      {!detail && !document.error && <p role="status">{documentsText.loading}</p>}
      {detail && <DocumentBody detail={detail} clientName={clientName} folderName={folderName} />}
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

function DocumentBody({
  detail,
  clientName,
  folderName,
}: {
  detail: DocumentDetail;
  clientName: ((id: string) => string) | undefined;
  folderName: ((id: string | null) => string) | undefined;
}) {
  const fields = documentsText.fields;
  const none = documentsText.none;
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
          {folderName && <Field label={fields.folder}>{folderName(detail.folder_id)}</Field>}
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
