import { useId, useState, type FormEvent } from "react";
import { ApiProblem } from "@/lib/problem";
import { ProblemMessage } from "@/components/ProblemMessage";
import type { components } from "@/api/schema";
import { useCreateSupportRequest } from "../api/help";
import { helpText } from "../text";

type Contact = components["schemas"]["SupportContact"];

/** The reference of the last error shown on the page (ProblemMessage), to send with a request. */
function lastErrorReference(): string {
  const references = document.querySelectorAll(".problem__reference code");
  return references.length > 0 ? (references[references.length - 1]?.textContent ?? "") : "";
}

/** The contact block and « Contacter le support »: the request goes with its context. */
export function SupportForm({ contact, signedIn, screen }: { contact: Contact; signedIn: boolean; screen: string }) {
  const headingId = useId();
  const subjectId = useId();
  const messageId = useId();
  const requestIdId = useId();
  const [subject, setSubject] = useState("");
  const [message, setMessage] = useState("");
  const [requestId, setRequestId] = useState(lastErrorReference);
  const create = useCreateSupportRequest();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ subject, message, screen, request_id: requestId.trim() });
  };
  const fieldError = (pointer: string) =>
    create.error instanceof ApiProblem ? create.error.errors.find((error) => error.pointer === pointer)?.detail : undefined;

  return (
    <section className="help-contact" aria-labelledby={headingId}>
      <h3 id={headingId}>{helpText.contact}</h3>
      <dl className="help-contact__details">
        <dt>{helpText.contactEmail}</dt>
        <dd>
          <a href={`mailto:${contact.email}`}>{contact.email}</a>
        </dd>
        <dt>{helpText.contactPhone}</dt>
        <dd>
          <a href={`tel:${contact.phone.replace(/\s/g, "")}`}>{contact.phone}</a>
        </dd>
        <dt>{helpText.contactHours}</dt>
        <dd>{contact.hours}</dd>
        <dt>{helpText.contactResponse}</dt>
        <dd>{contact.response_time}</dd>
      </dl>
      {!signedIn ? (
        <p>{helpText.supportSignedOut}</p>
      ) : create.data ? (
        <p className="notice" role="status">
          {helpText.sent(create.data.reference)}
        </p>
      ) : (
        <form onSubmit={submit} className="help-contact__form" noValidate>
          <p className="muted">{helpText.supportFormIntro}</p>
          <label htmlFor={subjectId}>{helpText.subject}</label>
          <input
            id={subjectId}
            value={subject}
            required
            minLength={3}
            maxLength={200}
            aria-invalid={fieldError("/body/subject") ? true : undefined}
            aria-describedby={fieldError("/body/subject") ? `${subjectId}-error` : undefined}
            onChange={(event) => setSubject(event.target.value)}
          />
          {fieldError("/body/subject") && (
            <p id={`${subjectId}-error`} className="field__error">
              {fieldError("/body/subject")}
            </p>
          )}
          <label htmlFor={messageId}>{helpText.message}</label>
          <textarea
            id={messageId}
            value={message}
            required
            minLength={10}
            maxLength={5000}
            rows={4}
            aria-invalid={fieldError("/body/message") ? true : undefined}
            aria-describedby={fieldError("/body/message") ? `${messageId}-error` : undefined}
            onChange={(event) => setMessage(event.target.value)}
          />
          {fieldError("/body/message") && (
            <p id={`${messageId}-error`} className="field__error">
              {fieldError("/body/message")}
            </p>
          )}
          <label htmlFor={requestIdId}>{helpText.requestId}</label>
          <input
            id={requestIdId}
            value={requestId}
            maxLength={128}
            aria-describedby={`${requestIdId}-help`}
            onChange={(event) => setRequestId(event.target.value)}
          />
          <p id={`${requestIdId}-help`} className="muted">
            {helpText.requestIdHelp}
          </p>
          {create.error instanceof ApiProblem && <ProblemMessage problem={create.error} />}
          <button type="submit" className="button" disabled={create.isPending}>
            {create.isPending ? helpText.sending : helpText.send}
          </button>
        </form>
      )}
    </section>
  );
}
