import { ProblemMessage } from "@/components/ProblemMessage";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { saveFile } from "@/lib/save-file";
import { downloadSealedMandate, useMandateAction, useMandateState } from "../api/firm";
import { evidenceRows, mandateActions } from "../panel";
import { mandatesText as text } from "../text";
import { ClientObligations } from "./ClientObligations";

/** The « Mandat » tab of a client's file: where it stands in the funnel, the request sent,
 * the signature's evidence, and what the firm may do next. */
export function ClientMandatePanel({ clientId, siren }: { clientId: string; siren: string }) {
  const state = useMandateState(clientId);
  const action = useMandateAction(clientId);

  if (state.error instanceof ApiProblem) return <ProblemMessage problem={state.error} />;
  if (!state.data) return <p role="status">{text.loading}</p>;
  const { stage, request, evidence } = state.data;
  const actions = mandateActions(state.data);
  const download = () => void downloadSealedMandate(clientId).then((blob) => saveFile(blob, `mandat-${siren}-signe.pdf`));

  return (
    <section className="stack" aria-labelledby="mandate-panel-title" data-testid="mandate-panel">
      <h2 id="mandate-panel-title">{text.panelTitle}</h2>
      <p>
        {text.stage} : <strong data-testid="mandate-stage">{text.stages[stage]}</strong>
      </p>
      {request && (
        <dl className="mandate-panel__facts">
          <dt>{text.sentTo}</dt>
          <dd>{request.signer_email}</dd>
          <dt>{text.sentAt}</dt>
          <dd>{formatDateTime(request.sent_at)}</dd>
          {request.opened_at && (
            <>
              <dt>{text.openedAt}</dt>
              <dd>{formatDateTime(request.opened_at)}</dd>
            </>
          )}
          <dt>{text.expiresAt}</dt>
          <dd>{formatDateTime(request.expires_at)}</dd>
          <dt>{text.reminders}</dt>
          <dd>{request.reminders_sent}</dd>
        </dl>
      )}
      {evidence && (
        <section className="card stack" aria-labelledby="mandate-evidence-title">
          <h3 id="mandate-evidence-title">{text.evidence}</h3>
          <dl className="mandate-panel__facts" data-testid="mandate-evidence">
            {evidenceRows(evidence).map(([label, value]) => (
              <div key={label} className="mandate-panel__fact">
                <dt>{label}</dt>
                <dd className="signing__hash">{value}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      {actions.length > 0 && (
        <p className="actions">
          {actions.map((name) =>
            name === "download" ? (
              <button key={name} type="button" className="button" onClick={download}>
                {text.downloadSealed}
              </button>
            ) : (
              <button
                key={name}
                type="button"
                className={name === "withdraw" ? "button" : "button button--primary"}
                disabled={action.isPending}
                onClick={() => action.mutate(name === "withdraw" ? "withdraw" : "send")}
              >
                {text.panelActions[name]}
              </button>
            ),
          )}
        </p>
      )}
      {action.isSuccess && <p role="status">{text.panelDone[action.variables]}</p>}
      {action.error instanceof ApiProblem && <ProblemMessage problem={action.error} />}
      <ClientObligations clientId={clientId} />
    </section>
  );
}
