import { useId, useState, type FormEvent } from "react";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatDate } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useDeviceMe } from "../api/get-device-me";
import { useDeviceClients } from "../api/list-device-clients";
import { useDeviceSession } from "../api/open-device-session";
import { useUploadFromDevice, type DocumentType, type UploadedDocument } from "../api/upload-from-device";
import { companionText } from "../text";
import { DeviceWorkspaceSwitch } from "./DeviceWorkspaceSwitch";

const text = companionText.upload;
const DOCUMENT_TYPES: readonly DocumentType[] = ["invoice", "statement", "shared", "other"];
// What a phone deposits: a photo taken now, or a PDF or image already on it.
const ACCEPTED = "image/*,application/pdf";

/**
 * `/mobile/deposer`: the phone deposits a photo or a file as a document, with its device
 * session (no cookies). A company user's space has one client; a firm user picks one. A person
 * in several workspaces first chooses where the phone deposits.
 */
export function MobileUploadPage() {
  const deviceSession = useDeviceSession();
  const accessToken = deviceSession.data?.accessToken;
  const me = useDeviceMe(accessToken);
  const workspace = me.data?.workspace ?? null;
  const inFirm = workspace?.kind === "firm";
  const clients = useDeviceClients(
    accessToken,
    workspace?.id,
    inFirm && (me.data?.permissions.includes("clients:read") ?? false),
  );
  const [sent, setSent] = useState<UploadedDocument | null>(null);
  const [attempt, setAttempt] = useState(0);
  const problem = deviceSession.error ?? me.error ?? clients.error;

  let body;
  if (deviceSession.data === null) {
    body = (
      <div role="alert">
        <p className="emphasis">{companionText.approval.notEnrolledTitle}</p>
        <p>{companionText.approval.notEnrolledHelp}</p>
      </div>
    );
  } else if (problem instanceof ApiProblem) {
    body = <ProblemMessage problem={problem} />;
  } else if (!me.data || !accessToken) {
    body = <p role="status">{text.loading}</p>;
  } else if (!me.data.workspace) {
    body = <p role="alert">{text.noWorkspace}</p>;
  } else if (!me.data.permissions.includes("documents:write")) {
    body = <p role="alert">{text.notAllowed}</p>;
  } else if (sent) {
    body = (
      <UploadResult
        document={sent}
        onAnother={() => {
          setSent(null);
          setAttempt(attempt + 1);
        }}
      />
    );
  } else {
    body = (
      <>
        <p className="lead">{text.intro(me.data.workspace.name)}</p>
        <UploadForm
          key={`${me.data.workspace.id}-${attempt}`}
          accessToken={accessToken}
          clients={inFirm ? (clients.data ?? []) : undefined}
          onSent={setSent}
        />
      </>
    );
  }

  return (
    <div className="mobile-upload">
      <h1>{text.pageTitle}</h1>
      {me.data && accessToken && (
        <DeviceWorkspaceSwitch accessToken={accessToken} me={me.data} onSwitched={() => setSent(null)} />
      )}
      {body}
    </div>
  );
}

function UploadForm({
  accessToken,
  clients,
  onSent,
}: {
  accessToken: string;
  /** A firm user's clients; undefined in a company's space. */
  clients: readonly { id: string; name: string }[] | undefined;
  onSent: (document: UploadedDocument) => void;
}) {
  const ids = useId();
  const [clientId, setClientId] = useState("");
  const [type, setType] = useState<DocumentType>("invoice");
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const upload = useUploadFromDevice(setProgress);
  const percent = Math.round((progress ?? 0) * 100);
  const ready = file !== null && (clients === undefined || clientId !== "");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file || !ready) return;
    setProgress(0);
    upload.mutate(
      { accessToken, clientId: clients === undefined ? undefined : clientId, type, file },
      { onSuccess: onSent },
    );
  };

  return (
    <form className="stack card" onSubmit={submit}>
      {upload.error instanceof ApiProblem && <ProblemMessage problem={upload.error} />}
      {clients !== undefined && (
        <div className="field">
          <label htmlFor={`${ids}-client`}>{text.client}</label>
          <select id={`${ids}-client`} required value={clientId} onChange={(event) => setClientId(event.target.value)}>
            <option value="">{text.chooseClient}</option>
            {clients.map((client) => (
              <option key={client.id} value={client.id}>
                {client.name}
              </option>
            ))}
          </select>
          {clients.length === 0 && <p className="field__hint">{text.noClients}</p>}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${ids}-type`}>{text.type}</label>
        <select id={`${ids}-type`} value={type} onChange={(event) => setType(event.target.value as DocumentType)}>
          {DOCUMENT_TYPES.map((option) => (
            <option key={option} value={option}>
              {text.types[option]}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="mobile-upload__pick" aria-describedby={`${ids}-help`}>
        <legend>{text.fileLegend}</legend>
        <p id={`${ids}-help`} className="field__hint">
          {text.fileHelp}
        </p>
        <div className="mobile-upload__choices">
          {/* `capture` opens the camera straight away on a phone; a computer ignores it. */}
          <label className="button button--large mobile-upload__choice">
            {text.takePhoto}
            <input
              type="file"
              accept={ACCEPTED}
              capture="environment"
              className="visually-hidden"
              data-testid="mobile-upload-camera"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
          </label>
          <label className="button button--large mobile-upload__choice">
            {text.chooseFile}
            <input
              type="file"
              accept={ACCEPTED}
              className="visually-hidden"
              data-testid="mobile-upload-file"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
          </label>
        </div>
        {file && (
          <p className="emphasis" aria-live="polite">
            {text.chosen(file.name, text.bytes(file.size))}
          </p>
        )}
      </fieldset>
      {upload.isPending && (
        <div className="mobile-upload__progress" role="status">
          <label htmlFor={`${ids}-progress`}>{text.sending(percent)}</label>
          <progress id={`${ids}-progress`} max={100} value={percent} aria-label={text.progress}>
            {percent} %
          </progress>
        </div>
      )}
      <button type="submit" className="button button--primary button--large" disabled={upload.isPending || !ready}>
        {text.send}
      </button>
    </form>
  );
}

function UploadResult({ document, onAnother }: { document: UploadedDocument; onAnother: () => void }) {
  return (
    <section className="card decision-result" aria-label={text.resultHeading}>
      <div role="status">
        <p className="emphasis">{text.sentTitle(document.title)}</p>
        <p>{text.sentHelp}</p>
      </div>
      <dl className="facts" data-testid="mobile-upload-result">
        <dt>{text.resultType}</dt>
        <dd>{text.types[document.type] ?? document.type}</dd>
        <dt>{text.resultDate}</dt>
        <dd>{formatDate(document.document_date)}</dd>
        <dt>{text.resultSize}</dt>
        <dd>{text.bytes(document.size)}</dd>
      </dl>
      {document.einvoice_status === "recognised" && <p>{text.resultEinvoice}</p>}
      <button type="button" className="button button--large" onClick={onAnother}>
        {text.another}
      </button>
    </section>
  );
}
