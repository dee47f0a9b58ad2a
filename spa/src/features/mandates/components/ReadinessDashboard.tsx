import { useState } from "react";
import { DataTable } from "@/components/DataTable";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatDate } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { saveFile } from "@/lib/save-file";
import { downloadReadiness, useBulkMandates, useReadiness, type MandateStage } from "../api/firm";
import { mandatesText as text } from "../text";

const STAGES: MandateStage[] = ["to_send", "sent", "opened", "signed", "registered", "expired", "refused", "error"];

function percent(share: number): string {
  return new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 }).format(share);
}

/** The firm's home page (under the workspace's name): how far its clients are from
 * e-invoicing, and the mandates to send. */
export function ReadinessDashboard() {
  const readiness = useReadiness();
  const bulk = useBulkMandates();
  const [selected, setSelected] = useState<Set<string>>(new Set());

  if (readiness.error instanceof ApiProblem) return <ProblemMessage problem={readiness.error} />;
  if (!readiness.data) return <p role="status">…</p>;
  const data = readiness.data;
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const run = (action: "send" | "withdraw") =>
    bulk.mutate({ action, clientIds: [...selected] }, { onSuccess: () => setSelected(new Set()) });
  const exportXlsx = () => void downloadReadiness().then((blob) => saveFile(blob, "preparation-facturation.xlsx"));

  return (
    <div className="stack readiness">
      <h2>{text.dashboardTitle}</h2>
      <section className="card" data-testid="readiness-summary">
        <h3>{text.registeredShare}</h3>
        <p className="lead">
          <strong>{percent(data.registered_share)}</strong> ({data.registered} / {data.total})
        </p>
      </section>
      <section>
        <h3>{text.funnel}</h3>
        <ul className="readiness__funnel" data-testid="readiness-funnel">
          {STAGES.map((stage) => (
            <li key={stage} className="card" data-stage={stage}>
              <span>{text.stages[stage]}</span> <strong>{data.counts[stage]}</strong>
            </li>
          ))}
        </ul>
      </section>
      {data.collaborators.length > 0 && (
        <section>
          <h3>{text.perCollaborator}</h3>
          <DataTable
            caption={text.perCollaborator}
            columns={[text.collaborator, text.registeredShare, ...STAGES.map((stage) => text.stages[stage])]}
          >
            {data.collaborators.map((person) => (
              <tr key={person.user_id}>
                <th scope="row">{person.name}</th>
                <td>{percent(person.registered_share)}</td>
                {STAGES.map((stage) => (
                  <td key={stage}>{person.counts[stage]}</td>
                ))}
              </tr>
            ))}
          </DataTable>
        </section>
      )}
      <section>
        <h3>{text.blocked}</h3>
        {data.blocked.length === 0 ? (
          <p className="muted">{text.noBlocked}</p>
        ) : (
          <ul>
            {data.blocked.map((client) => (
              <li key={client.id}>
                <strong>{client.legal_name}</strong> — {client.blocked_reason}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="stack">
        <h3>{text.clients}</h3>
        <p className="toolbar">
          <button type="button" className="button button--primary" disabled={selected.size === 0 || bulk.isPending} onClick={() => run("send")}>
            {text.sendSelected}
          </button>{" "}
          <button type="button" className="button" disabled={selected.size === 0 || bulk.isPending} onClick={() => run("withdraw")}>
            {text.withdrawSelected}
          </button>{" "}
          <button type="button" className="button" onClick={exportXlsx}>
            {text.exportXlsx}
          </button>
        </p>
        {bulk.data && (
          <p role="status">
            {text.bulkDone(
              bulk.data.results.filter((result) => result.ok).length,
              bulk.data.results.filter((result) => !result.ok).length,
            )}
          </p>
        )}
        {bulk.error instanceof ApiProblem && <ProblemMessage problem={bulk.error} />}
        {data.clients_truncated && <p className="muted">{text.truncated}</p>}
        <DataTable
          caption={text.clients}
          data-testid="readiness-clients"
          columns={[
            { label: text.select(""), kind: "select", header: <span className="visually-hidden">{text.select("")}</span> },
            text.client,
            text.stage,
            text.reception,
            text.emission,
            text.eReporting,
            text.cadence,
          ]}
        >
          {data.clients.map((client) => (
            <tr key={client.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={text.select(client.legal_name)}
                  checked={selected.has(client.id)}
                  onChange={() => toggle(client.id)}
                />
              </td>
              <th scope="row">
                {client.legal_name} <span className="muted">{client.siren}</span>
              </th>
              <td data-testid="stage">{text.stages[client.stage]}</td>
              <td>{formatDate(client.obligations.reception_from)}</td>
              <td>
                {formatDate(client.obligations.emission_from)}
                {client.company_category === null && <span className="muted"> {text.categoryUnknown}</span>}
              </td>
              <td>{formatDate(client.obligations.e_reporting_from)}</td>
              <td>{client.obligations.e_reporting_cadence ?? text.cadenceUnknown}</td>
            </tr>
          ))}
        </DataTable>
      </section>
    </div>
  );
}
