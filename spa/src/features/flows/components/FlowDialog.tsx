import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { originalUrl, readableUrl, useFlow } from "../api/get-flow";
import { ppfLine } from "../ppf";
import { flowsText } from "../text";
import { FlowStatusBadge } from "./FlowStatusBadge";

const text = flowsText.detail;

/** A flow's validation report in French, with the rule ids, and its files. */
export function FlowDialog({ flowId, name, onClose }: { flowId: string | null; name: string; onClose: () => void }) {
  const flow = useFlow(flowId);
  const detail = flow.data;
  return (
    <ModalDialog open={flowId !== null} title={text.title(name)} wide onClose={onClose}>
      {flow.error instanceof ApiProblem && <ProblemMessage problem={flow.error} />}
      {detail && (
        <div className="flow-detail" data-testid="flow-detail">
          <dl className="flow-detail__facts">
            <dt>{flowsText.columns.status}</dt>
            <dd>
              <FlowStatusBadge flow={detail} />
            </dd>
            <dt>{text.syntax}</dt>
            <dd>{detail.syntax}</dd>
            <dt>{flowsText.columns.direction}</dt>
            <dd>{flowsText.directions[detail.direction] ?? detail.direction}</dd>
            {detail.invoice_number && (
              <>
                <dt>{flowsText.columns.invoice}</dt>
                <dd>{detail.invoice_number}</dd>
              </>
            )}
            <dt>{text.received}</dt>
            <dd>{formatDateTime(detail.submitted_at)}</dd>
            <dt>{text.rules}</dt>
            <dd>{detail.rules_release ?? text.rulesNotRun}</dd>
          </dl>
          <h3>{text.report}</h3>
          {detail.findings.length === 0 ? (
            <p>{detail.ack_status === "Pending" ? flowsText.statuses.pending : text.noFinding}</p>
          ) : (
            <ul className="flow-findings">
              {detail.findings.map((finding, index) => (
                <li key={`${finding.rule_id}-${index}`} className={finding.fatal ? "flow-finding flow-finding--fatal" : "flow-finding"}>
                  <strong>{finding.rule_id}</strong> · {finding.fatal ? text.fatal : text.warning}
                  <p>{finding.message}</p>
                  <p className="muted">
                    {text.location} : <code>{finding.location}</code>
                  </p>
                </li>
              ))}
            </ul>
          )}
          {detail.status_messages.length > 0 && (
            <>
              <h3>{text.statusMessages}</h3>
              <ul>
                {detail.status_messages.map((message) => {
                  const ppf = ppfLine(message.ppf);
                  return (
                    <li key={message.id}>
                      <FlowStatusBadge flow={message} /> {message.name}{" "}
                      <a href={originalUrl(message.id)} download>
                        {text.original}
                      </a>
                      {ppf && (
                        <p className={`flow-ppf flow-ppf--${ppf.tone}`} data-testid="flow-ppf">
                          {ppf.text}
                        </p>
                      )}
                    </li>
                  );
                })}
              </ul>
            </>
          )}
          <p className="flow-detail__actions">
            <a className="button" href={originalUrl(detail.id)} download>
              {text.original}
            </a>
            <a className="button" href={readableUrl(detail.id)} target="_blank" rel="noopener noreferrer">
              {text.readable}
            </a>
            <button type="button" className="button" onClick={onClose}>
              {text.close}
            </button>
          </p>
        </div>
      )}
    </ModalDialog>
  );
}
