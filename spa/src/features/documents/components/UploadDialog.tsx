import { useId, useState, type FormEvent } from "react";
import { DateField } from "@/components/DateField";
import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import type { ClientOption } from "../api/list-client-options";
import { DOCUMENT_TYPES, type DocumentType } from "../api/list-documents";
import { useFolders } from "../api/list-folders";
import { useUploadDocument, type UploadedDocument } from "../api/upload-document";
import { folderRows } from "../folder-tree";
import { documentsText } from "../text";

/**
 * « Déposer un document »: client (in a firm), folder, type, date and file, sent with a
 * progress bar. In a company's space there is no client to choose: the API takes its own.
 */
export function UploadDialog({
  open,
  clients,
  defaultClientId,
  defaultFolderId,
  onClose,
  onUploaded,
}: {
  open: boolean;
  /** The firm's clients to choose from; undefined in a company's space. */
  clients: readonly ClientOption[] | undefined;
  /** The client preselected (firm) or the company's own, once known (its folders). */
  defaultClientId: string | undefined;
  defaultFolderId: string | undefined;
  onClose: () => void;
  onUploaded: (document: UploadedDocument) => void;
}) {
  return (
    <ModalDialog open={open} title={documentsText.uploadTitle} description={documentsText.uploadDescription} onClose={onClose}>
      <UploadForm
        clients={clients}
        defaultClientId={defaultClientId}
        defaultFolderId={defaultFolderId}
        onClose={onClose}
        onUploaded={onUploaded}
      />
    </ModalDialog>
  );
}

function UploadForm({
  clients,
  defaultClientId,
  defaultFolderId,
  onClose,
  onUploaded,
}: {
  clients: readonly ClientOption[] | undefined;
  defaultClientId: string | undefined;
  defaultFolderId: string | undefined;
  onClose: () => void;
  onUploaded: (document: UploadedDocument) => void;
}) {
  const ids = useId();
  const choosesClient = clients !== undefined;
  const [clientId, setClientId] = useState(defaultClientId ?? "");
  const [folderId, setFolderId] = useState(defaultFolderId ?? "");
  const [type, setType] = useState<DocumentType>("invoice");
  const [documentDate, setDocumentDate] = useState<string | undefined>(undefined);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const folders = useFolders(clientId || undefined);
  const upload = useUploadDocument(setProgress);
  const percent = Math.round((progress ?? 0) * 100);
  const ready = file !== null && (!choosesClient || clientId !== "");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file || !ready) return;
    setProgress(0);
    upload.mutate(
      {
        clientId: choosesClient ? clientId : undefined,
        folderId: folderId || undefined,
        type,
        documentDate,
        file,
      },
      { onSuccess: onUploaded },
    );
  };

  return (
    <form className="stack" onSubmit={submit}>
      {upload.error instanceof ApiProblem && <ProblemMessage problem={upload.error} />}
      {choosesClient && (
        <div className="field">
          <label htmlFor={`${ids}-client`}>{documentsText.uploadClient}</label>
          <select
            id={`${ids}-client`}
            required
            value={clientId}
            onChange={(event) => {
              setClientId(event.target.value);
              setFolderId("");
            }}
          >
            <option value="">{documentsText.uploadChooseClient}</option>
            {clients.map((client) => (
              <option key={client.id} value={client.id}>
                {client.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {folders.data && folders.data.length > 0 && (
        <div className="field">
          <label htmlFor={`${ids}-folder`}>{documentsText.uploadFolder}</label>
          <select id={`${ids}-folder`} value={folderId} onChange={(event) => setFolderId(event.target.value)}>
            <option value="">{documentsText.uploadNoFolder}</option>
            {folderRows(folders.data).map(({ folder, depth }) => (
              <option key={folder.id} value={folder.id}>
                {`${"\u00a0\u00a0".repeat(depth)}${folder.name}`}
              </option>
            ))}
          </select>
        </div>
      )}
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
      <DateField
        label={documentsText.uploadDate}
        hint={documentsText.uploadDateHint}
        value={documentDate}
        onChange={setDocumentDate}
      />
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
        <button type="submit" className="button button--primary" disabled={upload.isPending || !ready}>
          {documentsText.uploadSubmit}
        </button>
      </div>
    </form>
  );
}
