import { useQueryClient } from "@tanstack/react-query";
import type { ApiProblem } from "@/lib/problem";
import { componentsText } from "./text";

/**
 * An API problem as the user reads it: the French title, the detail, and the reference to give
 * support (the request id the API logged). When the server was down (`problem.transient`), it
 * offers « Réessayer »: `onRetry` when given, else it reloads the data that failed with this
 * very problem (found in the query cache), so every screen recovers the same way without each
 * one wiring a button. `app/ConnectionRecovery` also reloads it by itself once the server is back.
 */
export function ProblemMessage({ problem, onRetry }: { problem: ApiProblem; onRetry?: (() => void) | undefined }) {
  const queryClient = useQueryClient();
  const failedQueries = () =>
    queryClient.getQueryCache().findAll({ predicate: (query) => query.state.error === problem });
  const retry =
    onRetry ??
    (problem.transient && failedQueries().length > 0
      ? () => {
          for (const query of failedQueries()) void queryClient.refetchQueries({ queryKey: query.queryKey, exact: true });
        }
      : undefined);
  return (
    <div className="problem" role="alert">
      <p className="problem__title">{problem.title}</p>
      {problem.detail && <p className="problem__detail">{problem.detail}</p>}
      {problem.requestId && (
        <p className="problem__reference">
          {componentsText.problemReference} <code>{problem.requestId}</code>
        </p>
      )}
      {retry && problem.transient && (
        <p>
          <button type="button" className="button button--small" onClick={retry}>
            {componentsText.retry}
          </button>
        </p>
      )}
    </div>
  );
}
