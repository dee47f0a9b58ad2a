import { Link, useParams } from "react-router";
import { ProblemMessage } from "@/components/ProblemMessage";
import { StatusIndicator } from "@/components/StatusIndicator";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useDecideLogin } from "../api/decide-login";
import { useLoginContext } from "../api/get-login-context";
import { useDeviceSession } from "../api/open-device-session";
import { companionText } from "../text";

const text = companionText.approval;

/**
 * `/qr/v1/:challengeId`, what a phone opens after scanning the login QR: the requester's
 * context, then « Approuver » or « Refuser », side by side and equally easy (refusing must
 * never take more effort than approving).
 */
export function ApprovalPage() {
  const { challengeId = "" } = useParams();
  const deviceSession = useDeviceSession();
  const context = useLoginContext(challengeId, deviceSession.data?.accessToken);
  const decide = useDecideLogin(deviceSession.data, context.data);

  if (deviceSession.isPending || (deviceSession.data && context.isPending)) {
    return (
      <>
        <h1>{text.pageTitle}</h1>
        <p role="status">{text.loading}</p>
      </>
    );
  }
  if (deviceSession.data === null) {
    return (
      <>
        <h1>{text.pageTitle}</h1>
        <div role="alert">
          <p className="emphasis">{text.notEnrolledTitle}</p>
          <p>{text.notEnrolledHelp}</p>
        </div>
      </>
    );
  }
  const problem = deviceSession.error ?? context.error;
  if (problem || !context.data) {
    return (
      <>
        <h1>{text.pageTitle}</h1>
        {problem instanceof ApiProblem && <ProblemMessage problem={problem} />}
      </>
    );
  }

  const requester = context.data;
  if (decide.isSuccess) {
    const approved = decide.data.status === "approved";
    return (
      <>
        <h1>{text.pageTitle}</h1>
        <div role="status" className="card decision-result">
          <StatusIndicator
            status={approved ? "up" : "down"}
            label={approved ? text.approvedTitle : text.deniedTitle}
          />
          <p>{approved ? text.approvedHelp : text.deniedHelp}</p>
        </div>
        <p>
          <Link to="/mobile/activite">{text.openActivity}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{text.pageTitle}</h1>
      <p className="lead">{text.intro}</p>
      <section className="card" aria-labelledby="approval-request">
        <h2 id="approval-request" className="visually-hidden">
          {text.pageTitle}
        </h2>
        <p className="match-code">
          <span className="match-code__label">{text.matchCode}</span>
          <span className="match-code__value" data-testid="match-code">
            {requester.match_code}
          </span>
          <span className="match-code__help">{text.matchCodeHelp}</span>
        </p>
        <dl className="facts">
          <dt>{text.browser}</dt>
          <dd>{requester.requester_browser}</dd>
          <dt>{text.system}</dt>
          <dd>{requester.requester_os}</dd>
          <dt>{text.ip}</dt>
          <dd>{requester.requester_ip ?? text.unknown}</dd>
          <dt>{text.requestedAt}</dt>
          <dd>{formatDateTime(requester.created_at)}</dd>
        </dl>
        <div className="decision">
          <button
            type="button"
            className="button button--primary button--large"
            disabled={decide.isPending}
            onClick={() => decide.mutate("approve")}
          >
            {text.approve}
          </button>
          <button
            type="button"
            className="button button--danger button--large"
            disabled={decide.isPending}
            onClick={() => decide.mutate("deny")}
          >
            {text.deny}
          </button>
        </div>
        {decide.error instanceof ApiProblem && <ProblemMessage problem={decide.error} />}
      </section>
    </>
  );
}
