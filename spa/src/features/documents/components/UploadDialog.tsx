import { useId, useState, type FormEvent } from "react";
import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import type { ClientOption } from "../api/list-client-options";
import { DOCUMENT_TYPES, type DocumentType } from "../api/list-documents";
import { useUploadDocument, type UploadedDocument } from "../api/upload-document";
import { documentsText } from "../text";

/** « Déposer un document »: client, type and file, sent with a progress bar. */
export function UploadDialog({
  open,
  clients,
  defaultClientId,
  onClose,
  onUploaded,
}: {
  open: boolean;
  clients: readonly ClientOption[];
  defaultClientId: string | undefined;
  onClose: () => void;
  onUploaded: (document: UploadedDocument) => void;
}) {
  return (
    <ModalDialog open={open} title={documentsText.uploadTitle} description={documentsText.uploadDescription} onClose={onClose}>
      <UploadForm clients={clients} defaultClientId={defaultClientId} onClose={onClose} onUploaded={onUploaded} />
    </ModalDialog>
  );
}

function UploadForm({
  clients,
  defaultClientId,
  onClose,
  onUploaded,
}: {
  clients: readonly ClientOption[];
  defaultClientId: string | undefined;
  onClose: () => void;
  onUploaded: (document: UploadedDocument) => void;
}) {
  const ids = useId();
  const [clientId, setClientId] = useState(defaultClientId ?? "");
  const [type, setType] = useState<DocumentType>("invoice");
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const upload = useUploadDocument(setProgress);
  const percent = Math.round((progress ?? 0) * 100);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!clientId || !file) return;
    setProgress(0);
    upload.mutate({ clientId, type, file }, { onSuccess: onUploaded });
  };

  return (
    <form className="stack" onSubmit={submit}>
      {upload.error instanceof ApiProblem && <ProblemMessage problem={upload.error} />}
      <div className="field">
        <label htmlFor={`${ids}-client`}>{documentsText.uploadClient}</label>
        <select id={`${ids}-client`} required value={clientId} onChange={(event) => setClientId(event.target.value)}>
          <option value="">{documentsText.uploadChooseClient}</option>
          {clients.map((client) => (
            <option key={client.id} value={client.id}>
              {client.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-type`}>{documentsText.uploadType}</label>
        <select id={`${ids}-type`} value={type} onChange={(event) => setType(event.target.value as DocumentType)}>
          {DOCUMENT_TYPES.map((option) => (
            <option key={option} value={option}>
              {documentsText.typeSingular[option]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-file`}>{documentsText.uploadFile}</label>
        <input
          id={`${ids}-file`}
          type="file"
          required
          accept=".pdf,.xml,.png,.jpg,.jpeg,.gif,.webp,.heic,.csv,.doc,.docx,.xls,.xlsx,.odt,.ods"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
      </div>
      {upload.isPending && (
        <div className="doc-progress" role="status">
          <label htmlFor={`${ids}-progress`}>{documentsText.uploading(percent)}</label>
          <progress id={`${ids}-progress`} max={100} value={percent} aria-label={documentsText.uploadProgress}>
            {percent} %
          </progress>
        </div>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose} disabled={upload.isPending}>
          {documentsText.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={upload.isPending || !clientId || !file}>
          {documentsText.uploadSubmit}
        </button>
      </div>
    </form>
  );
}
