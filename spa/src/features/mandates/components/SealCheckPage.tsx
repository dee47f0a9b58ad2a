import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { useSeal, useSealCheck } from "../api/firm";
import { mandatesText as text } from "../text";

/** Check the seal of any mandate PDF, and show this platform's seal certificate. */
export function SealCheckPage() {
  const seal = useSeal();
  const check = useSealCheck();
  const yesNo = (value: boolean) => (value ? text.yes : text.no);
  return (
    <div className="stack">
      <h1>{text.sealTitle}</h1>
      <p>{text.sealIntro}</p>
      <div className="field">
        <label className="field__label" htmlFor="seal-file">
          {text.sealFile}
        </label>
        <input
          id="seal-file"
          type="file"
          accept="application/pdf"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) check.mutate(file);
          }}
        />
      </div>
      {check.error instanceof ApiProblem && <ProblemMessage problem={check.error} />}
      {check.data && (
        <section className="card" role="status" data-testid="seal-result">
          <p className="lead">
            <strong>{check.data.summary}</strong>
          </p>
          <ul>
            <li>
              {text.checkIntact} : {yesNo(check.data.intact)}
            </li>
            <li>
              {text.checkWhole} : {yesNo(check.data.whole_document)}
            </li>
            <li>
              {text.checkPlatform} : {yesNo(check.data.platform_seal)}
            </li>
            {check.data.certificate_subject && <li>{check.data.certificate_subject}</li>}
          </ul>
        </section>
      )}
      {seal.data && (
        <section className="card">
          <h2>{text.sealCertificate}</h2>
          <p>{seal.data.subject}</p>
          {seal.data.self_signed && <p className="notice notice--warning">{text.selfSigned}</p>}
          <p className="muted">
            {text.fingerprintLabel} : <code className="signing__hash">{seal.data.sha256_fingerprint}</code>
          </p>
        </section>
      )}
    </div>
  );
}
