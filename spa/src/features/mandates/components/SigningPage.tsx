import { useEffect, useState, type FormEvent } from "react";
import { useLocation } from "react-router";
import { ProblemMessage } from "@/components/ProblemMessage";
import { TextField } from "@/components/TextField";
import { ApiProblem } from "@/lib/problem";
import {
  fetchMandatePdf,
  useAskPhone,
  usePhoneApprovalState,
  useRefuse,
  useSendCode,
  useSign,
  useSigningView,
  type SigningView,
} from "../api/signing";
import { mandatesText as text } from "../text";

/**
 * `/mandat#<secret>`, the link mailed to the client's representative: read the whole mandate,
 * type one's name, tick the consent, confirm with the code mailed to that address. The secret
 * is in the fragment, which browsers never send to a server: only this page's API calls carry it.
 */
export function SigningPage() {
  const location = useLocation();
  const token = decodeURIComponent(location.hash.replace(/^#/, ""));
  const view = useSigningView(token);
  return (
    <div className="stack signing">
      <h1>{text.signTitle}</h1>
      {token === "" && <p role="alert">{text.missingLink}</p>}
      {view.isLoading && <p role="status">{text.loading}</p>}
      {view.error instanceof ApiProblem && <ProblemMessage problem={view.error} />}
      {view.data && <SigningSteps token={token} view={view.data} />}
    </div>
  );
}

function SigningSteps({ token, view }: { token: string; view: SigningView }) {
  const [pdfUrl, setPdfUrl] = useState<string | null>(null);
  const [name, setName] = useState([view.signer_first_name, view.signer_last_name].filter(Boolean).join(" "));
  const [consent, setConsent] = useState(false);
  const [code, setCode] = useState("");
  const [method, setMethod] = useState<"email_otp" | "device">("email_otp");
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState("");
  const sendCode = useSendCode();
  const sign = useSign();
  const refuse = useRefuse();
  const askPhone = useAskPhone();
  const approval = usePhoneApprovalState(token, askPhone.data);
  const phoneState = approval.data?.status ?? askPhone.data?.status;
  const consentShown = method === "device" && view.phone ? view.phone.consent : view.consent;
  const signerConsent = {
    token,
    signer_name: name,
    consent,
    consent_version: consentShown.version,
    consent_text: consentShown.text,
    document_sha256: view.document_sha256,
  };

  // Once the phone approved, the page signs by itself (it holds the link's secret).
  const signWithPhone = phoneState === "approved" && method === "device" && sign.isIdle;
  useEffect(() => {
    if (signWithPhone) sign.mutate({ ...signerConsent, method: "device", code: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signWithPhone]);

  useEffect(() => {
    let url: string | null = null;
    void fetchMandatePdf(token).then((blob) => {
      url = URL.createObjectURL(blob);
      setPdfUrl(url);
    });
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [token]);

  if (sign.isSuccess) {
    return (
      <section className="card" aria-live="polite">
        <h2>{text.signed}</h2>
        <p>{text.signedDetail}</p>
      </section>
    );
  }
  if (refuse.isSuccess) {
    return <p role="status">{text.refused}</p>;
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (method === "device") {
      askPhone.mutate(signerConsent);
      return;
    }
    sign.mutate({ ...signerConsent, method: "email_otp", code: code.trim() });
  };
  const signError = sign.error instanceof ApiProblem ? sign.error : null;

  return (
    <>
      <p className="lead">{text.intro(view.firm_name, view.client_name)}</p>
      <section className="stack">
        <h2>{text.readMandate}</h2>
        {pdfUrl && (
          <>
            <p>
              <a className="button" href={pdfUrl} target="_blank" rel="noreferrer">
                {text.openPdf}
              </a>
            </p>
            <iframe className="signing__document" src={pdfUrl} title={text.mandateFrame} />
          </>
        )}
        <p className="muted">
          {text.fingerprint} : <code className="signing__hash">{view.document_sha256}</code>
        </p>
      </section>
      <form className="stack card" onSubmit={submit}>
        <h2>{text.identify}</h2>
        <TextField label={text.signerName} value={name} onChange={setName} required autoComplete="name" />
        {view.phone && (
          <fieldset className="signing__method">
            <legend>{text.confirmWith}</legend>
            <label className="radio">
              <input
                type="radio"
                name="method"
                checked={method === "email_otp"}
                onChange={() => setMethod("email_otp")}
              />
              <span>{text.byEmailCode}</span>
            </label>
            <label className="radio">
              <input type="radio" name="method" checked={method === "device"} onChange={() => setMethod("device")} />
              <span>{text.byPhone}</span>
            </label>
          </fieldset>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={consent} onChange={(event) => setConsent(event.target.checked)} />
          <span>{consentShown.text}</span>
        </label>
        {method === "email_otp" ? (
          <>
            <p>
              <button
                type="button"
                className="button"
                onClick={() => sendCode.mutate(token)}
                disabled={sendCode.isPending}
              >
                {sendCode.isSuccess || view.code_sent ? text.resendCode : text.sendCode}
              </button>
            </p>
            {sendCode.isSuccess && <p role="status">{text.codeSentTo(sendCode.data.sent_to)}</p>}
            {sendCode.error instanceof ApiProblem && <ProblemMessage problem={sendCode.error} />}
            <TextField
              label={text.code}
              value={code}
              onChange={setCode}
              inputMode="numeric"
              autoComplete="one-time-code"
              required
            />
          </>
        ) : (
          askPhone.data && (
            <div className="stack" role="status" aria-live="polite">
              {phoneState === "pending" && (
                <>
                  <p>{text.phoneWaiting}</p>
                  <img className="signing__qr" src={askPhone.data.qr_svg} alt={text.phoneQr} width={220} height={220} />
                  <p>
                    <a href={askPhone.data.approval_url}>{text.phoneLink}</a>
                  </p>
                  <p className="muted">{text.phoneFingerprint(askPhone.data.document_fingerprint)}</p>
                </>
              )}
              {phoneState === "approved" && <p>{text.phoneApproved}</p>}
              {phoneState === "denied" && <p>{text.phoneDenied}</p>}
              {phoneState === "expired" && <p>{text.phoneExpired}</p>}
            </div>
          )
        )}
        {askPhone.error instanceof ApiProblem && <ProblemMessage problem={askPhone.error} />}
        {signError && <ProblemMessage problem={signError} />}
        <p>
          <button
            type="submit"
            className="button button--primary"
            disabled={!consent || sign.isPending || (method === "device" && phoneState === "pending")}
          >
            {sign.isPending ? text.signing : method === "device" ? text.askPhone : text.sign}
          </button>
        </p>
      </form>
      <section className="stack">
        {refusing ? (
          <form
            className="stack"
            onSubmit={(event) => {
              event.preventDefault();
              refuse.mutate({ token, reason: reason.trim() || null });
            }}
          >
            <TextField label={text.refuseReason} value={reason} onChange={setReason} />
            <p>
              <button type="submit" className="button">
                {text.refuseConfirm}
              </button>
            </p>
          </form>
        ) : (
          <p>
            <button type="button" className="button button--link" onClick={() => setRefusing(true)}>
              {text.refuse}
            </button>
          </p>
        )}
        {refuse.error instanceof ApiProblem && <ProblemMessage problem={refuse.error} />}
      </section>
    </>
  );
}
