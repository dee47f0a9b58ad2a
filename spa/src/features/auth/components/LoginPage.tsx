import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { ProblemMessage } from "@/components/ProblemMessage";
import { StatusIndicator } from "@/components/StatusIndicator";
import { formatTime } from "@/lib/format";
import { authText } from "../text";
import { useQrLogin, type QrLoginState } from "../use-qr-login";

/** Where to go after signing in: a path of this site only (`?retour=/clients`), never a URL. */
function safeReturnPath(value: string | null): string {
  return value && value.startsWith("/") && !value.startsWith("//") ? value : "/";
}

export function LoginPage() {
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { state, restart } = useQrLogin(() => {
    // Nothing cached before belongs to the account now signed in.
    queryClient.clear();
    void navigate(safeReturnPath(searchParams.get("retour")), { replace: true });
  });

  return (
    <div className="login">
      <h1>{authText.pageTitle}</h1>
      {searchParams.get("fin") === "session" && (
        <div className="notice notice--warning" role="alert" data-testid="session-ended">
          <p className="emphasis">{authText.sessionEndedTitle}</p>
          <p>{authText.sessionEndedBody}</p>
        </div>
      )}
      <p className="lead">{authText.intro}</p>
      <div className="login__layout">
        <section className="card login__qr" aria-labelledby="login-status">
          <h2 id="login-status">{authText.statusHeading}</h2>
          <LoginStatus state={state} restart={restart} />
        </section>
        <aside className="card login__help" aria-labelledby="login-no-device">
          <h2 id="login-no-device">{authText.noDeviceHeading}</h2>
          <p>{authText.noDeviceHelp}</p>
        </aside>
      </div>
    </div>
  );
}

function LoginStatus({ state, restart }: { state: QrLoginState; restart: () => void }) {
  switch (state.phase) {
    case "starting":
      return (
        <p role="status">
          <StatusIndicator status="pending" label={authText.preparing} />
        </p>
      );
    case "waiting":
      return (
        <>
          <figure className="qr" data-testid="login-qr" data-qr-url={state.challenge.qr_url}>
            <img src={state.challenge.qr_svg} alt={authText.qrAlt} width={240} height={240} />
          </figure>
          <div role="status" className="login__status">
            {state.scanned ? (
              <>
                <p className="login__match">{authText.scanned(state.challenge.match_code)}</p>
                <p>{authText.scannedHelp}</p>
              </>
            ) : (
              <>
                <StatusIndicator status="pending" label={authText.waiting} />
                <p>{state.renewed ? authText.renewed : authText.waitingHelp}</p>
              </>
            )}
          </div>
          <p className="muted">{authText.expiresAt(formatTime(state.challenge.expires_at))}</p>
          <QrLink url={state.challenge.qr_url} />
        </>
      );
    case "approved":
    case "signed-in":
      return (
        <p role="status">
          <StatusIndicator status="up" label={authText.approved} />
        </p>
      );
    case "denied":
      return (
        <>
          <div role="alert">
            <StatusIndicator status="down" label={authText.denied} />
            <p>{authText.deniedHelp}</p>
          </div>
          <button type="button" className="button button--primary" onClick={restart}>
            {authText.newCode}
          </button>
        </>
      );
    case "failed":
      return (
        <>
          <p>{authText.failed}</p>
          <ProblemMessage problem={state.problem} />
          <button type="button" className="button button--primary" onClick={restart}>
            {authText.newCode}
          </button>
        </>
      );
  }
}

/** The QR's URL as text, for the command-line companion and for people who cannot scan. */
function QrLink({ url }: { url: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <details className="login__link">
      <summary>{authText.linkSummary}</summary>
      <label>
        {authText.linkLabel}
        <input type="text" readOnly value={url} onFocus={(event) => event.currentTarget.select()} />
      </label>
      <button
        type="button"
        className="button"
        onClick={() => {
          void navigator.clipboard?.writeText(url).then(() => setCopied(true));
        }}
      >
        {authText.copyLink}
      </button>
      <span role="status">{copied ? authText.linkCopied : ""}</span>
    </details>
  );
}
