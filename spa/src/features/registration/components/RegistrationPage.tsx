import { useState, type FormEvent } from "react";
import { Link, useLocation } from "react-router";
import { ProblemMessage } from "@/components/ProblemMessage";
import { TextField } from "@/components/TextField";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useRegistration, type Registration } from "../api/get-registration";
import { useProvideSiren } from "../api/provide-siren";
import { registrationText as text } from "../text";
import { currentStep, STEP_ORDER, type StepKey } from "./registration-step";

type StepState = keyof typeof text.stepStates;

/**
 * `/inscription#<secret>`, where the SSO callback sends the expert-comptable. The secret is in
 * the fragment, which browsers never send to a server: only this page's API call carries it.
 */
export function RegistrationPage() {
  const location = useLocation();
  const secret = decodeURIComponent(location.hash.replace(/^#/, ""));
  const registration = useRegistration(secret);
  // The SSO callback sends a refused browser here with the reason (`?erreur=…&detail=…`).
  const refused = new URLSearchParams(location.search);
  const refusal = refused.get("erreur");

  return (
    <>
      <h1>{text.pageTitle}</h1>
      {refusal !== null && (
        <Restart heading={refusal} message={refused.get("detail") || text.ssoRefused} />
      )}
      {secret === "" && refusal === null && <Restart message={text.missingSecret} />}
      {registration.isLoading && <p role="status">{text.loading}</p>}
      {registration.error instanceof ApiProblem && (
        <>
          <ProblemMessage problem={registration.error} />
          <p>
            <a href={text.restartUrl}>{text.restart}</a>
          </p>
        </>
      )}
      {registration.data && <RegistrationSteps registration={registration.data} secret={secret} />}
    </>
  );
}

function RegistrationSteps({ registration, secret }: { registration: Registration; secret: string }) {
  const step = currentStep(registration);
  const restart = registration.next_step === "restart";

  return (
    <>
      <p className="lead">{text.welcome(registration.given_name, registration.family_name)}</p>
      <Stepper current={step} />
      <div className="registration">
        <div className="stack">
          {restart ? (
            <Restart message={text.restartHelp} heading={text.restartHeading} />
          ) : step === "siren" ? (
            <SirenStep secret={secret} />
          ) : step === "device" ? (
            <EnrollStep registration={registration} />
          ) : step === "identity" ? (
            <IdentityStep />
          ) : (
            <CompletedStep registration={registration} />
          )}
          <WhatNext />
        </div>
        <Facts registration={registration} />
      </div>
    </>
  );
}

function Stepper({ current }: { current: StepKey }) {
  const currentIndex = STEP_ORDER.indexOf(current);
  return (
    <ol className="steps" aria-label={text.stepsLabel}>
      {STEP_ORDER.map((step, index) => {
        // Once the firm is open every step is behind us, the last one included.
        const state: StepState =
          index < currentIndex || current === "firm" ? "done" : index === currentIndex ? "current" : "upcoming";
        return (
          <li key={step} className={`steps__item steps__item--${state}`} aria-current={state === "current" ? "step" : undefined}>
            <span className="steps__number" aria-hidden="true">
              {state === "done" ? "✓" : index + 1}
            </span>
            <span>
              {text.steps[step]}
              <span className="visually-hidden"> ({text.stepStates[state]})</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function Facts({ registration }: { registration: Registration }) {
  const address = [registration.address_line, [registration.postal_code, registration.city].filter(Boolean).join(" ")]
    .filter(Boolean)
    .join(", ");
  return (
    <section className="card" aria-labelledby="registration-facts">
      <h2 id="registration-facts">{text.factsHeading}</h2>
      <dl className="facts">
        <dt>{text.person}</dt>
        <dd>
          {registration.given_name} {registration.family_name}
        </dd>
        <dt>{text.email}</dt>
        <dd>{registration.email}</dd>
        <dt>{text.siren}</dt>
        <dd data-testid="registration-siren">
          {registration.siren ? formatSiren(registration.siren) : text.notProvided}
          {registration.siren_from_sso && <span className="muted"> ({text.sirenFromSso})</span>}
        </dd>
        {registration.firm_name && (
          <>
            <dt>{text.firmName}</dt>
            <dd>{registration.firm_name}</dd>
          </>
        )}
        {address && (
          <>
            <dt>{text.address}</dt>
            <dd>{address}</dd>
          </>
        )}
        {registration.status !== "completed" && (
          <>
            <dt>{text.validUntil}</dt>
            <dd>{formatDateTime(registration.expires_at)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** `732829320` → `732 829 320`, as it is printed on a Kbis. */
function formatSiren(siren: string): string {
  return siren.replace(/(\d{3})(?=\d)/g, "$1 ");
}

function SirenStep({ secret }: { secret: string }) {
  const [siren, setSiren] = useState("");
  const [checked, setChecked] = useState(false);
  const provide = useProvideSiren();
  const problem = provide.error instanceof ApiProblem ? provide.error : null;
  const digits = siren.replace(/\s/g, "");
  const localError = checked && !/^\d{9}$/.test(digits) ? text.sirenInvalid : undefined;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setChecked(true);
    if (!/^\d{9}$/.test(digits)) return;
    provide.mutate({ secret, siren: digits });
  };

  return (
    <section className="card" aria-labelledby="registration-siren-step">
      <h2 id="registration-siren-step">{text.sirenHeading}</h2>
      <p>{text.sirenHelp}</p>
      <form className="form form--narrow" onSubmit={submit} noValidate>
        <TextField
          label={text.sirenLabel}
          hint={text.sirenHint}
          value={siren}
          onChange={setSiren}
          inputMode="numeric"
          autoComplete="off"
          required
          error={localError ?? problem?.fieldError("/body/siren")}
        />
        {problem && !problem.fieldError("/body/siren") && <ProblemMessage problem={problem} />}
        <div>
          <button type="submit" className="button button--primary" disabled={provide.isPending}>
            {provide.isPending ? text.sirenSubmitting : text.sirenSubmit}
          </button>
        </div>
      </form>
    </section>
  );
}

function EnrollStep({ registration }: { registration: Registration }) {
  const enrollment = registration.enrollment;
  return (
    <section className="card" aria-labelledby="registration-enroll-step">
      <h2 id="registration-enroll-step">{text.enrollHeading}</h2>
      <div className="enroll">
        {enrollment && (
          <figure className="qr" data-testid="registration-qr" data-enrollment-url={enrollment.url}>
            <img src={enrollment.qr_svg} alt={text.qrAlt} width={240} height={240} />
          </figure>
        )}
        <div>
          <ol className="numbered">
            {text.enrollSteps.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ol>
          {enrollment && <p className="muted">{text.qrValidUntil(formatDateTime(enrollment.expires_at))}</p>}
          <p role="status" className="waiting">
            {text.waitingForApp}
          </p>
          {enrollment && (
            <p>
              {text.enrollLinkHelp} <a href={enrollment.url}>{text.enrollLink}</a>
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

function IdentityStep() {
  return (
    <section className="card" aria-labelledby="registration-identity-step">
      <h2 id="registration-identity-step">{text.identityHeading}</h2>
      <p>{text.identityHelp}</p>
      <p role="status" className="waiting">
        {text.waitingForIdentity}
      </p>
    </section>
  );
}

function CompletedStep({ registration }: { registration: Registration }) {
  return (
    <section className="card" aria-labelledby="registration-completed">
      <h2 id="registration-completed">{text.completedHeading}</h2>
      <p role="status">{text.completedHelp(registration.firm_name ?? text.firmName)}</p>
      <p>
        <Link className="button button--primary" to="/connexion">
          {text.login}
        </Link>
      </p>
    </section>
  );
}

function Restart({ message, heading }: { message: string; heading?: string }) {
  return (
    <section className="card" aria-labelledby={heading ? "registration-restart" : undefined}>
      {heading && <h2 id="registration-restart">{heading}</h2>}
      <p role="alert">{message}</p>
      <p>
        <a className="button button--primary" href={text.restartUrl}>
          {text.restart}
        </a>
      </p>
    </section>
  );
}

function WhatNext() {
  return (
    <section className="card" aria-labelledby="registration-next">
      <h2 id="registration-next">{text.nextHeading}</h2>
      <ul className="next-steps">
        {text.next.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}
