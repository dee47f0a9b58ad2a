import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { DataTable } from "@/components/DataTable";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useConfirmImport, type ImportConfirmation } from "../api/confirm-import";
import { useDownloadImportTemplate } from "../api/downloads";
import {
  useImportRows,
  type ImportOutcome as Outcome,
  type ImportRow,
  type ImportRowsPage,
} from "../api/get-import";
import { useUploadImport, type ImportReport } from "../api/upload-import";
import { clientsText } from "../text";

type Counts = ImportReport["counts"];
type Shown = Outcome | "all";
const OUTCOMES: Outcome[] = ["created", "duplicate", "invalid", "unknown"];
const OUTCOME_TONES: Record<Outcome, string> = {
  created: "success",
  duplicate: "neutral",
  invalid: "danger",
  unknown: "pending",
};

/**
 * « Importer depuis Excel »: the template, the upload (with its progress), the dry-run report
 * row by row, then the confirmation and what it created. Nothing is created before « Confirmer ».
 * A report is paged (its first page comes with the upload or the confirmation; « Afficher plus »
 * asks for the next), so a file of thousands of rows never lands on screen at once.
 */
export function ImportPage() {
  const [progress, setProgress] = useState<number | null>(null);
  const upload = useUploadImport(setProgress);
  const confirm = useConfirmImport();
  const template = useDownloadImportTemplate();
  const report = upload.data ?? null;
  const confirmation = confirm.data ?? null;
  const alreadyConfirmed = confirm.error instanceof ApiProblem && confirm.error.code === "import-already-confirmed";

  const startOver = () => {
    upload.reset();
    confirm.reset();
    setProgress(null);
  };

  return (
    <>
      <p>
        <Link to="/clients">← {clientsText.backToClients}</Link>
      </p>
      <h1>{clientsText.importTitle}</h1>
      <p className="lead">{clientsText.importIntro}</p>
      <div className="stack">
        <section className="card" aria-labelledby="import-template">
          <h2 id="import-template">{clientsText.templateHeading}</h2>
          <button type="button" className="button" disabled={template.isPending} onClick={() => template.mutate()}>
            {clientsText.downloadTemplate}
          </button>
          {template.error instanceof ApiProblem && <ProblemMessage problem={template.error} />}
        </section>

        {!report && (
          <UploadForm
            pending={upload.isPending}
            progress={progress}
            error={upload.error instanceof ApiProblem ? upload.error : null}
            onUpload={(file) => {
              setProgress(0);
              upload.mutate(file);
            }}
          />
        )}

        {/* Confirmed meanwhile (another tab, a colleague): the clients exist, say so plainly
            instead of the report's « Rien n'a encore été créé ». */}
        {report && !confirmation && alreadyConfirmed && (
          <section className="card" aria-labelledby="import-already">
            <h2 id="import-already">{clientsText.alreadyConfirmedHeading}</h2>
            <p role="status">{clientsText.alreadyConfirmedBody}</p>
            <div className="form__actions">
              <button type="button" className="button" onClick={startOver}>
                {clientsText.startOver}
              </button>
              <Link className="button button--primary" to="/clients">
                {clientsText.seeClients}
              </Link>
            </div>
          </section>
        )}

        {report && !confirmation && !alreadyConfirmed && (
          <ReportSection
            report={report}
            pending={confirm.isPending}
            error={confirm.error instanceof ApiProblem ? confirm.error : null}
            onConfirm={() => confirm.mutate(report.id)}
            onStartOver={startOver}
          />
        )}

        {confirmation && <ConfirmationSection confirmation={confirmation} onStartOver={startOver} />}
      </div>
    </>
  );
}

function UploadForm({
  pending,
  progress,
  error,
  onUpload,
}: {
  pending: boolean;
  progress: number | null;
  error: ApiProblem | null;
  onUpload: (file: File) => void;
}) {
  const ids = useId();
  const [file, setFile] = useState<File | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) onUpload(file);
  };
  const sent = progress !== null && progress >= 1;
  return (
    <section className="card" aria-labelledby="import-upload">
      <h2 id="import-upload">{clientsText.uploadHeading}</h2>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${ids}-file`}>{clientsText.fileLabel}</label>
          <input
            id={`${ids}-file`}
            type="file"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </div>
        <div>
          <button type="submit" className="button button--primary" disabled={!file || pending}>
            {clientsText.upload}
          </button>
        </div>
        {pending && progress !== null && (
          <div className="upload-progress" role="status">
            <label htmlFor={`${ids}-progress`}>{sent ? clientsText.analysing : clientsText.uploading}</label>
            <progress id={`${ids}-progress`} max={1} value={sent ? undefined : progress}>
              {Math.round(progress * 100)} %
            </progress>
          </div>
        )}
        {error && <ProblemMessage problem={error} />}
      </form>
    </section>
  );
}

function ReportSection({
  report,
  pending,
  error,
  onConfirm,
  onStartOver,
}: {
  report: ImportReport;
  pending: boolean;
  error: ApiProblem | null;
  onConfirm: () => void;
  onStartOver: () => void;
}) {
  const [shown, setShown] = useState<Shown>("all");
  return (
    <section className="card" aria-labelledby="import-report">
      <h2 id="import-report">{clientsText.reportHeading}</h2>
      <p>{clientsText.reportIntro(report.file_name ?? "")}</p>
      <p className="muted">{clientsText.reportExpires(formatDateTime(report.expires_at))}</p>
      {report.unknown_columns.length > 0 && (
        <p className="notice notice--warning">{clientsText.unknownColumns(report.unknown_columns.join(", "))}</p>
      )}
      <ul className="counts" aria-label={clientsText.countsCaption}>
        {OUTCOMES.map((outcome) => (
          <li key={outcome} className={`counts__item counts__item--${OUTCOME_TONES[outcome]}`} data-outcome={outcome}>
            <span className="counts__value">{report.counts[outcome]}</span>
            <span className="counts__label">{clientsText.outcomes[outcome]}</span>
          </li>
        ))}
      </ul>
      <OutcomeFilter counts={report.counts} shown={shown} onShow={setShown} labels={clientsText.outcomes} />
      <ReportRows importId={report.id} stage="analysed" firstPage={report} shown={shown} labels={clientsText.outcomes} />
      {error && <ProblemMessage problem={error} />}
      <div className="form__actions">
        <button type="button" className="button" onClick={onStartOver} disabled={pending}>
          {clientsText.startOver}
        </button>
        <button
          type="button"
          className="button button--primary"
          onClick={onConfirm}
          disabled={pending || report.counts.created === 0}
        >
          {pending ? clientsText.confirming : clientsText.confirm(report.counts.created)}
        </button>
      </div>
    </section>
  );
}

function OutcomeFilter({
  counts,
  shown,
  onShow,
  labels,
}: {
  counts: Counts;
  shown: Shown;
  onShow: (shown: Shown) => void;
  labels: Record<string, string>;
}) {
  const total = OUTCOMES.reduce((sum, outcome) => sum + counts[outcome], 0);
  return (
    <div className="segmented" role="group" aria-label={clientsText.showOutcome}>
      {(["all", ...OUTCOMES] as const).map((outcome) => (
        <button
          key={outcome}
          type="button"
          className="button button--small"
          aria-pressed={shown === outcome}
          onClick={() => onShow(outcome)}
        >
          {outcome === "all" ? clientsText.allRows : labels[outcome]} ({outcome === "all" ? total : counts[outcome]})
        </button>
      ))}
    </div>
  );
}

/**
 * The report's rows loaded so far, with « Afficher plus » while pages remain. Once every row is
 * on screen an outcome filter is applied here; before that, the API filters (and pages) itself.
 */
function ReportRows({
  importId,
  stage,
  firstPage,
  shown,
  labels,
}: {
  importId: string;
  stage: "analysed" | "confirmed";
  firstPage: ImportRowsPage;
  shown: Shown;
  labels: Record<string, string>;
}) {
  const everything = useImportRows({ importId, stage, outcome: null, firstPage });
  const filterOnServer = shown !== "all" && everything.hasNextPage;
  const filtered = useImportRows({
    importId,
    stage,
    outcome: shown === "all" ? null : shown,
    enabled: filterOnServer,
  });
  const source = filterOnServer ? filtered : everything;
  const loaded = source.data?.pages.flatMap((page) => page.rows) ?? [];
  const rows = shown === "all" || filterOnServer ? loaded : loaded.filter((row) => row.outcome === shown);
  return (
    <>
      {source.isPending ? (
        <p className="muted" role="status">
          {clientsText.loading}
        </p>
      ) : (
        <ImportRowsTable rows={rows} labels={labels} />
      )}
      {source.error instanceof ApiProblem && <ProblemMessage problem={source.error} />}
      {source.hasNextPage && (
        <div className="list-footer">
          <button
            type="button"
            className="button"
            disabled={source.isFetchingNextPage}
            onClick={() => void source.fetchNextPage()}
          >
            {source.isFetchingNextPage ? clientsText.loadingMore : clientsText.showMoreRows}
          </button>
        </div>
      )}
    </>
  );
}

function ImportRowsTable({ rows, labels }: { rows: ImportRow[]; labels: Record<string, string> }) {
  return (
    <DataTable
      caption={clientsText.reportCaption}
      columns={[
        clientsText.reportColumns.row,
        clientsText.reportColumns.siren,
        { label: clientsText.reportColumns.name, kind: "primary" },
        clientsText.reportColumns.outcome,
        clientsText.reportColumns.reason,
      ]}
      data-testid="import-report"
    >
      {rows.map((row) => (
        <tr key={row.row} data-row={row.row} data-outcome={row.outcome}>
          <td className="numeric">{row.row}</td>
          <td className="numeric">{row.siret ?? row.siren ?? clientsText.none}</td>
          <td>{row.legal_name ?? clientsText.none}</td>
          <td>
            <span className={`tag tag--${OUTCOME_TONES[row.outcome]}`}>{labels[row.outcome] ?? row.outcome}</span>
          </td>
          <td>{row.reason ?? ""}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function ConfirmationSection({
  confirmation,
  onStartOver,
}: {
  confirmation: ImportConfirmation;
  onStartOver: () => void;
}) {
  const [shown, setShown] = useState<Shown>("all");
  return (
    <section className="card" aria-labelledby="import-done">
      <h2 id="import-done">{clientsText.confirmedHeading}</h2>
      <p className="notice notice--success" role="status">
        {clientsText.confirmedSummary(confirmation.created, confirmation.skipped)}
      </p>
      <OutcomeFilter counts={confirmation.counts} shown={shown} onShow={setShown} labels={clientsText.outcomesDone} />
      <ReportRows
        importId={confirmation.id}
        stage="confirmed"
        firstPage={confirmation}
        shown={shown}
        labels={clientsText.outcomesDone}
      />
      <div className="form__actions">
        <button type="button" className="button" onClick={onStartOver}>
          {clientsText.startOver}
        </button>
        <Link className="button button--primary" to="/clients">
          {clientsText.seeClients}
        </Link>
      </div>
    </section>
  );
}
