import { useId, useState, type FormEvent } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { PaStatusBadge } from "@/components/PaStatusBadge";
import { ProblemMessage } from "@/components/ProblemMessage";
import { eventLabel } from "@/lib/event-labels";
import { formatDateTime, formatLongDate } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useActivateEinvoicing, useDeregisterEinvoicing } from "../api/activate-einvoicing";
import { useEinvoicing } from "../api/einvoicing";
import { useEinvoicingHistory } from "../api/einvoicing-history";
import { certificationBody, type Certification } from "../api/get-certification";
import { useMandateReadiness } from "../api/mandate-readiness";
import { useDownloadMandateTemplate } from "../api/mandate-template";
import { einvoicingText as text } from "../text";
import { CertificationCheckbox } from "./Certification";

/** The client the tab is about, as the clients feature hands it over (through app/). */
export interface EinvoicingClient {
  id: string;
  siren: string;
  legalName: string;
}

/** A client's « Facturation électronique » tab: PA designation, mandate, activation, history. */
export function ClientEinvoicingPanel({ client }: { client: EinvoicingClient }) {
  const state = useEinvoicing(client.id);
  const paStatus = state.data?.pa_status;
  const designation = state.data?.designation ?? null;
  const download = useDownloadMandateTemplate();
  const missing = useMandateReadiness().data ?? [];
  const canActivate = paStatus === "not_registered" || paStatus === "error" || paStatus === "deregistered";
  const endRequested = designation?.end_requested_on ?? null;
  const canDeregister = paStatus === "registered" && !endRequested;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="client-einvoicing">
        <h3 id="client-einvoicing">{text.heading}</h3>
        {state.isPending && <p>{text.loading}</p>}
        {state.error instanceof ApiProblem && <ProblemMessage problem={state.error} onRetry={() => void state.refetch()} />}
        {state.data && (
          <dl className="facts">
            <dt>{text.paDesignation}</dt>
            <dd data-testid="einvoicing-status">
              <PaStatusBadge status={state.data.pa_status} />
            </dd>
            {designation && (
              <>
                <dt>{text.designationSince}</dt>
                <dd>{formatLongDate(designation.date_from)}</dd>
                {designation.registered_at && (
                  <>
                    <dt>{text.registeredAt}</dt>
                    <dd>{formatDateTime(designation.registered_at)}</dd>
                  </>
                )}
                {endRequested && paStatus === "registered" && (
                  <>
                    <dt>{text.deregisterHeading}</dt>
                    <dd>{text.deregistrationRequested(formatLongDate(endRequested))}</dd>
                  </>
                )}
                {designation.date_to && (
                  <>
                    <dt>{text.designationEnd}</dt>
                    <dd>{formatLongDate(designation.date_to)}</dd>
                  </>
                )}
                {designation.status === "error" && (
                  <>
                    <dt>{text.designationError}</dt>
                    <dd>{designation.error_detail ?? designation.error_code}</dd>
                  </>
                )}
              </>
            )}
          </dl>
        )}
      </section>
      <section className="card" aria-labelledby="client-mandate">
        <h3 id="client-mandate">{text.mandateHeading}</h3>
        <p className="field__help">{text.mandateHelp}</p>
        {missing.length > 0 && (
          <div className="notice notice--warning" role="note" data-testid="mandate-incomplete">
            <p className="emphasis">{text.mandateIncompleteTitle}</p>
            <p>{text.mandateIncomplete(missing.map((field) => text.mandateFields[field] ?? field).join(", "))}</p>
          </div>
        )}
        <button
          type="button"
          className="button"
          disabled={download.isPending}
          onClick={() => download.mutate({ clientId: client.id, siren: client.siren })}
        >
          {download.isPending ? text.downloading : text.downloadMandate}
        </button>
        {download.error instanceof ApiProblem && <ProblemMessage problem={download.error} />}
      </section>
      {canActivate && <ActivationForm key={paStatus} clientId={client.id} />}
      {canDeregister && <DeregistrationCard client={client} />}
      <EinvoicingHistory clientId={client.id} paStatus={paStatus} />
    </div>
  );
}

function ActivationForm({ clientId }: { clientId: string }) {
  const ids = useId();
  const activate = useActivateEinvoicing();
  const [certification, setCertification] = useState<Certification | null>(null);
  const [missing, setMissing] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!certification) {
      setMissing(true);
      return;
    }
    activate.mutate({ clientId, body: certificationBody(certification) });
  };
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{text.activationHeading}</h3>
      <p className="field__help">{text.activationHelp}</p>
      <form className="form" onSubmit={submit} noValidate>
        <CertificationCheckbox
          checked={certification !== null}
          onChange={(value) => {
            setMissing(false);
            setCertification(value);
          }}
        />
        {missing && (
          <p className="field__error" role="alert">
            {text.certificationRequired}
          </p>
        )}
        {activate.error instanceof ApiProblem && <ProblemMessage problem={activate.error} />}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={activate.isPending}>
            {activate.isPending ? text.activating : text.activate}
          </button>
        </div>
      </form>
    </section>
  );
}

function DeregistrationCard({ client }: { client: EinvoicingClient }) {
  const deregister = useDeregisterEinvoicing();
  const [confirming, setConfirming] = useState(false);
  const close = () => {
    setConfirming(false);
    deregister.reset();
  };
  return (
    <section className="card" aria-labelledby="client-deregister">
      <h3 id="client-deregister">{text.deregisterHeading}</h3>
      <p className="field__help">{text.deregisterHelp}</p>
      <button type="button" className="button" onClick={() => setConfirming(true)}>
        {text.deregister}
      </button>
      <ConfirmDialog
        open={confirming}
        title={text.deregisterTitle}
        confirmLabel={text.deregister}
        pending={deregister.isPending}
        onCancel={close}
        onConfirm={() => deregister.mutate({ clientId: client.id }, { onSuccess: close })}
      >
        <p>{text.deregisterBody(client.legalName)}</p>
        {deregister.error instanceof ApiProblem && <ProblemMessage problem={deregister.error} />}
      </ConfirmDialog>
    </section>
  );
}

function EinvoicingHistory({ clientId, paStatus }: { clientId: string; paStatus: string | undefined }) {
  const history = useEinvoicingHistory(clientId, paStatus);
  return (
    <section className="card" aria-labelledby="client-einvoicing-history">
      <h3 id="client-einvoicing-history">{text.historyHeading}</h3>
      {history.isPending && paStatus !== undefined && <p>{text.loading}</p>}
      {history.error instanceof ApiProblem && <ProblemMessage problem={history.error} />}
      {history.data?.length === 0 && <p className="empty">{text.historyEmpty}</p>}
      {history.data && history.data.length > 0 && (
        <ol className="activity" aria-label={text.historyCaption}>
          {history.data.map((entry, index) => (
            <li key={`${entry.occurred_at}-${index}`} className="activity__item">
              <span className="activity__action">{eventLabel(entry.action)}</span>
              <span className="activity__meta">
                <time dateTime={entry.occurred_at}>{formatDateTime(entry.occurred_at)}</time>
                {` · ${text.historyBy} ${entry.actor_name ?? text.actorSystem}`}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
