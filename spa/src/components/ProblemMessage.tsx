import type { ApiProblem } from "@/lib/problem";
import { componentsText } from "./text";

/** An API problem as the user reads it: the French title, the detail, and the reference to
 * give support (the request id the API logged). */
export function ProblemMessage({ problem }: { problem: ApiProblem }) {
  return (
    <div className="problem" role="alert">
      <p className="problem__title">{problem.title}</p>
      {problem.detail && <p className="problem__detail">{problem.detail}</p>}
      {problem.requestId && (
        <p className="problem__reference">
          {componentsText.problemReference} <code>{problem.requestId}</code>
        </p>
      )}
    </div>
  );
}
