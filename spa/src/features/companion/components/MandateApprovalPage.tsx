import { Link, useParams } from "react-router";
import { ProblemMessage } from "@/components/ProblemMessage";
import { StatusIndicator } from "@/components/StatusIndicator";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useDecideMandateApproval } from "../api/decide-mandate-approval";
import { useMandateApproval } from "../api/get-mandate-approval";
import { useDeviceSession } from "../api/open-device-session";
import { companionText } from "../text";

const text = companionText.mandateApproval;

/**
 * `/qr/v1/mandat/:approvalId`, what the representative's enrolled phone opens from the signing
 * page's QR code: which mandate (firm, client, the document's fingerprint that the signing
 * page also shows), under which typed name, asked from which browser; then « Approuver la
 * signature » or « Refuser », side by side and equally easy. The signing page, which holds the
 * link's secret, signs by itself once the phone approved.
 */
export function MandateApprovalPage() {
  const { approvalId = "" } = useParams();
  const deviceSession = useDeviceSession();
  const approval = useMandateApproval(approvalId, deviceSession.data?.accessToken);
  const decide = useDecideMandateApproval(deviceSession.data, approval.data);

  if (deviceSession.isPending || (deviceSession.data && approval.isPending)) {
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
  const problem = deviceSession.error ?? approval.error;
  if (problem || !approval.data) {
    return (
      <>
        <h1>{text.pageTitle}</h1>
        {problem instanceof ApiProblem && <ProblemMessage problem={problem} />}
        <p>{text.problemHelp}</p>
      </>
    );
  }

  const mandate = approval.data;
  if (decide.isSuccess) {
    const approved = decide.data.status === "approved";
    return (
      <>
        <h1>{text.pageTitle}</h1>
        <div role="status" className="card decision-result" data-testid="mandate-decision">
          <StatusIndicator
            status={approved ? "up" : "down"}
            label={approved ? text.approvedTitle : text.deniedTitle}
          />
          <p>{approved ? text.approvedHelp(mandate.client_name) : text.deniedHelp}</p>
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
      <p className="lead">{text.intro(mandate.firm_name, mandate.client_name)}</p>
      <section className="card" aria-labelledby="mandate-approval">
        <h2 id="mandate-approval" className="visually-hidden">
          {text.pageTitle}
        </h2>
        <p className="match-code match-code--fingerprint">
          <span className="match-code__label">{text.fingerprint}</span>
          <span className="match-code__value" data-testid="mandate-fingerprint">
            {mandate.document_fingerprint}
          </span>
          <span className="match-code__help">{text.fingerprintHelp}</span>
        </p>
        <dl className="facts">
          <dt>{text.signerName}</dt>
          <dd data-testid="mandate-signer">{mandate.signer_name}</dd>
          <dt>{text.client}</dt>
          <dd>{text.clientLine(mandate.client_name, mandate.client_siren)}</dd>
          <dt>{text.firm}</dt>
          <dd>{mandate.firm_name}</dd>
          <dt>{text.askedFrom}</dt>
          <dd>{text.browserOn(mandate.requester_browser, mandate.requester_os)}</dd>
          <dt>{text.ip}</dt>
          <dd>{mandate.requester_ip ?? text.unknown}</dd>
          <dt>{text.expiresAt}</dt>
          <dd>{formatDateTime(mandate.expires_at)}</dd>
        </dl>
        <details className="mandate-approval__hash">
          <summary>{text.fullHash}</summary>
          <code>{mandate.document_sha256}</code>
        </details>
        <p>{text.commitment(mandate.signer_name)}</p>
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
