import { ProblemMessage } from "@/components/ProblemMessage";
import { eventLabel } from "@/lib/event-labels";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useClientHistory } from "../../api/client-history";
import type { ClientDetail } from "../../api/get-client";
import { clientsText } from "../../text";

/** « Historique »: the audit trail's events about this client. */
export function HistoryTab({ client }: { client: ClientDetail }) {
  const history = useClientHistory(client.id);
  return (
    <section className="card" aria-labelledby="client-history">
      <h3 id="client-history">{clientsText.historyTabHeading}</h3>
      {history.isPending && <p>{clientsText.loading}</p>}
      {history.error instanceof ApiProblem && <ProblemMessage problem={history.error} />}
      {history.data?.length === 0 && <p className="empty">{clientsText.historyEmpty}</p>}
      {history.data && history.data.length > 0 && (
        <ol className="activity" aria-label={clientsText.historyTabCaption}>
          {history.data.map((event) => (
            <li key={event.id} className="activity__item">
              <span className="activity__action">{eventLabel(event.action)}</span>
              <span className="activity__meta">
                <time dateTime={event.occurred_at}>{formatDateTime(event.occurred_at)}</time>
                {(event.actor.name ?? event.actor.email) &&
                  ` · ${clientsText.historyBy} ${event.actor.name ?? event.actor.email}`}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
