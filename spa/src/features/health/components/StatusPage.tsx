import { ProblemMessage } from "@/components/ProblemMessage";
import { StatusIndicator, type Status } from "@/components/StatusIndicator";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useHealth } from "../api/get-health";
import { useReadiness } from "../api/get-readiness";
import { healthText } from "../text";

function statusOf(query: { isPending: boolean; isError: boolean }): Status {
  if (query.isPending) return "pending";
  return query.isError ? "down" : "up";
}

export function StatusPage() {
  const health = useHealth();
  const readiness = useReadiness();

  return (
    <>
      <h1>{healthText.pageTitle}</h1>
      <p className="lead">{healthText.intro}</p>
      <div className="card-grid">
        <section className="card" aria-labelledby="health-api">
          <h2 id="health-api">{healthText.apiHeading}</h2>
          <StatusIndicator status={statusOf(health)} />
          {health.data && (
            <dl className="facts">
              <dt>{healthText.apiVersion}</dt>
              <dd data-testid="api-version">{health.data.version}</dd>
              <dt>{healthText.checkedAt}</dt>
              <dd>{formatDateTime(new Date(health.dataUpdatedAt))}</dd>
            </dl>
          )}
          {health.error instanceof ApiProblem && <ProblemMessage problem={health.error} />}
        </section>
        <section className="card" aria-labelledby="health-database">
          <h2 id="health-database">{healthText.databaseHeading}</h2>
          <StatusIndicator status={statusOf(readiness)} />
          {readiness.data && (
            <dl className="facts">
              <dt>{healthText.checkedAt}</dt>
              <dd>{formatDateTime(new Date(readiness.dataUpdatedAt))}</dd>
            </dl>
          )}
          {readiness.error instanceof ApiProblem && <ProblemMessage problem={readiness.error} />}
        </section>
      </div>
    </>
  );
}
