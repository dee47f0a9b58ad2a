import { useId, useState, type FormEvent } from "react";
import type { components } from "@/api/schema";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { useBulkActivate } from "../api/bulk-activate";
import { useBulkActivationJob } from "../api/get-bulk-activation";
import { certificationBody, type Certification } from "../api/get-certification";
import { einvoicingText as text } from "../text";
import { CertificationCheckbox } from "./Certification";

type ActivationItemResult = components["schemas"]["ActivationItemResult"];

/** The clients to activate: ids, or every client of the list's filters. */
export interface ActivationSelection {
  ids: readonly string[];
  filter: components["schemas"]["ClientSelection"] | null;
}

/** One client's result as the clients list shows it. */
export interface ActivationOutcome {
  id: string;
  ok: boolean;
  error?: string | null;
  detail?: string | null;
  note?: string | null;
}

// A client already registered (or being registered) by this platform has nothing left to do:
// it is counted as done, not as refused, and does not stay selected « pour réessayer ».
const ALREADY_DONE = new Set(["already_registered", "already_pending"]);

const OUTCOME_NOTES: Record<string, string> = {
  activated: "Activation lancée",
  already_registered: "Déjà inscrit à l'annuaire",
  already_pending: "Inscription déjà en cours",
};

export function activationOutcome(result: ActivationItemResult): ActivationOutcome {
  const done = result.ok || ALREADY_DONE.has(result.outcome);
  return {
    id: result.id,
    ok: done,
    error: result.error ?? null,
    detail: result.detail ?? null,
    note: done ? (OUTCOME_NOTES[result.outcome] ?? null) : null,
  };
}

/** Refusals that are real refusals (a closed company, a client not found), without the done ones. */
export function realRefusals(refused: Record<string, number>): number {
  return Object.entries(refused)
    .filter(([outcome]) => !ALREADY_DONE.has(outcome))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** The bulk « Activer la facturation électronique » form, shown in the clients list's dialog. */
export function BulkActivationForm({
  selection,
  onCancel,
  onDone,
}: {
  selection: ActivationSelection;
  onCancel: () => void;
  onDone: (results: ActivationOutcome[], jobId: string) => void;
}) {
  const ids = useId();
  const activate = useBulkActivate();
  const [certification, setCertification] = useState<Certification | null>(null);
  const [missing, setMissing] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!certification) {
      setMissing(true);
      return;
    }
    const chosen = selection.filter ? { filter: selection.filter } : { client_ids: [...selection.ids] };
    activate.mutate(
      { ...chosen, ...certificationBody(certification) },
      { onSuccess: ({ job, results }) => onDone(results.map(activationOutcome), job.id) },
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <p>{text.bulkBody}</p>
      <CertificationCheckbox
        checked={certification !== null}
        onChange={(value) => {
          setMissing(false);
          setCertification(value);
        }}
      />
      {missing && (
        <p id={`${ids}-missing`} className="field__error" role="alert">
          {text.certificationRequired}
        </p>
      )}
      {activate.error instanceof ApiProblem && <ProblemMessage problem={activate.error} />}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel}>
          {text.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={activate.isPending}>
          {activate.isPending ? text.activating : text.activate}
        </button>
      </div>
    </form>
  );
}

/** A bulk activation's job, polled until no registration is pending. */
export function BulkActivationProgress({ jobId, nameOf }: { jobId: string; nameOf: (id: string) => string }) {
  const job = useBulkActivationJob(jobId);
  if (job.error instanceof ApiProblem) return <ProblemMessage problem={job.error} onRetry={() => void job.refetch()} />;
  if (!job.data) return <p>{text.loading}</p>;
  const { progress, done, errors } = job.data;
  const total = progress.pending + progress.registered + progress.error + progress.deregistered;
  const processed = total - progress.pending;
  const alreadyDone = Object.entries(job.data.refused)
    .filter(([outcome]) => ALREADY_DONE.has(outcome))
    .reduce((sum, [, count]) => sum + count, 0);
  const refused = realRefusals(job.data.refused);
  return (
    <div className="bulk-job" data-testid="bulk-job" data-done={done ? "true" : "false"}>
      <h3>{text.jobHeading}</h3>
      <progress max={Math.max(total, 1)} value={total === 0 ? 1 : processed} aria-label={text.jobProgressLabel} />
      <p aria-live="polite" data-testid="bulk-job-status">
        {text.jobCounts(processed, total)} — {done ? text.jobDone : text.jobRunning}
      </p>
      <dl className="facts">
        <dt>{text.jobPending}</dt>
        <dd className="numeric">{progress.pending}</dd>
        <dt>{text.jobRegistered}</dt>
        <dd className="numeric">{progress.registered}</dd>
        {alreadyDone > 0 && (
          <>
            <dt>{text.jobAlreadyDone}</dt>
            <dd className="numeric" data-testid="bulk-job-already">
              {alreadyDone}
            </dd>
          </>
        )}
        <dt>{text.jobErrors}</dt>
        <dd className="numeric">{progress.error}</dd>
        {refused > 0 && (
          <>
            <dt>{text.jobRefused}</dt>
            <dd className="numeric">{refused}</dd>
          </>
        )}
      </dl>
      {errors.length > 0 && (
        <ul aria-label={text.jobErrorsCaption}>
          {errors.map((error) => (
            <li key={error.client_id}>
              <strong>{nameOf(error.client_id)}</strong> : {error.error_detail ?? error.error_code}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
