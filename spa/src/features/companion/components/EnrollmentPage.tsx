import { useState } from "react";
import { Link, useLocation } from "react-router";
import { ProblemMessage } from "@/components/ProblemMessage";
import { StatusIndicator } from "@/components/StatusIndicator";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { describeUserAgent } from "@/lib/user-agent";
import { useEnrollThisDevice } from "../api/enroll-device";
import { useEnrollmentPreview, type EnrollmentPreview } from "../api/inspect-enrollment";
import { companionText } from "../text";

const text = companionText.enrollment;

// A touch screen as the main pointer makes "this phone" the likely device, whatever the
// window's width. Read once per visit: a phone does not turn into a computer mid-page.
function isTouchFirst(): boolean {
  return window.matchMedia("(pointer: coarse)").matches;
}

/**
 * `/enroll#<token>`: the token travels in the fragment, which browsers never send to a server,
 * so it stays out of access logs and Referer headers until the page posts it itself.
 */
export function EnrollmentPage() {
  const enrollmentToken = decodeURIComponent(useLocation().hash.replace(/^#/, ""));
  const preview = useEnrollmentPreview(enrollmentToken);

  return (
    <>
      <h1>{text.pageTitle}</h1>
      {enrollmentToken === "" && <p role="alert">{text.missingToken}</p>}
      {preview.isLoading && <p role="status">{text.loading}</p>}
      {preview.error instanceof ApiProblem && <ProblemMessage problem={preview.error} />}
      {preview.data && <Enrollment preview={preview.data} enrollmentToken={enrollmentToken} />}
    </>
  );
}

function Enrollment({ preview, enrollmentToken }: { preview: EnrollmentPreview; enrollmentToken: string }) {
  const [isPhone] = useState(isTouchFirst);
  const enroll = useEnrollThisDevice(enrollmentToken);
  const valid = preview.status === "valid";
  const thisPhone = <ThisPhone key="phone" enroll={enroll} />;
  const scan = <ScanWithApp key="app" preview={preview} />;
  // On a phone, enrolling it is the likely intent; on a computer, scanning with the app.
  const sections = enroll.isSuccess ? [thisPhone] : !valid ? [] : isPhone ? [thisPhone, scan] : [scan, thisPhone];

  return (
    <>
      <p className="lead">
        {text.welcome(preview.first_name, preview.last_name)}
        {preview.workspace_name && <> — {text.forWorkspace(preview.workspace_name)}</>}
      </p>
      <div className="stack">
        <section className="card" aria-labelledby="enrollment-facts">
          <h2 id="enrollment-facts">{text.factsHeading}</h2>
          <dl className="facts">
            <dt>{text.person}</dt>
            <dd>
              {preview.first_name} {preview.last_name}
            </dd>
            <dt>{text.email}</dt>
            <dd>{preview.email}</dd>
            {preview.workspace_name && (
              <>
                <dt>{text.workspace}</dt>
                <dd data-testid="enrollment-workspace">{preview.workspace_name}</dd>
              </>
            )}
            <dt>{text.purpose}</dt>
            <dd>{text.purposes[preview.purpose] ?? preview.purpose}</dd>
            <dt>{text.status}</dt>
            <dd data-testid="enrollment-status">
              <StatusIndicator status={valid ? "up" : "down"} label={text.statuses[preview.status] ?? preview.status} />
            </dd>
            <dt>{text.expiresAt}</dt>
            <dd>{formatDateTime(preview.expires_at)}</dd>
          </dl>
          {!valid && !enroll.isSuccess && <p>{text.notUsable}</p>}
        </section>
        {sections}
      </div>
    </>
  );
}

function ScanWithApp({ preview }: { preview: EnrollmentPreview }) {
  return (
    <section className="card" aria-labelledby="enrollment-scan">
      <h2 id="enrollment-scan">{text.scanHeading}</h2>
      <p>{text.scanHelp}</p>
      <figure className="qr">
        <img src={preview.qr_svg} alt={text.qrAlt} width={240} height={240} />
      </figure>
    </section>
  );
}

function ThisPhone({ enroll }: { enroll: ReturnType<typeof useEnrollThisDevice> }) {
  if (enroll.isSuccess) {
    return (
      <section className="card" aria-labelledby="enrollment-phone">
        <h2 id="enrollment-phone">{text.thisPhoneHeading}</h2>
        <div role="status">
          <StatusIndicator status="up" label={text.enrolledTitle} />
          <p>{text.enrolledHelp}</p>
        </div>
        <ul className="public__links">
          <li>
            <Link to="/mobile/deposer">{text.openUpload}</Link>
          </li>
          <li>
            <Link to="/mobile/activite">{text.openActivity}</Link>
          </li>
        </ul>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="enrollment-phone">
      <h2 id="enrollment-phone">{text.thisPhoneHeading}</h2>
      <p>{text.thisPhoneHelp}</p>
      <button
        type="button"
        className="button button--primary button--large"
        disabled={enroll.isPending}
        onClick={() => enroll.mutate(text.deviceName(describeUserAgent(navigator.userAgent)))}
      >
        {enroll.isPending ? text.enrolling : text.enrollButton}
      </button>
      {enroll.error instanceof ApiProblem && <ProblemMessage problem={enroll.error} />}
    </section>
  );
}
