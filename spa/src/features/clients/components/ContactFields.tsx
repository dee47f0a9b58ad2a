import { useId } from "react";
import type { ContactDraft } from "../contact";
import { clientsText } from "../text";

/**
 * The contact's first and last name side by side, then the e-mail with the API's error on it.
 * The caller holds the draft and puts the fields in its own form.
 */
export function ContactFields({
  contact,
  onChange,
  emailError,
  autoComplete,
}: {
  contact: ContactDraft;
  onChange: (contact: ContactDraft) => void;
  emailError: string | undefined;
  /** `off` where the browser would fill in the user's own name rather than the client's. */
  autoComplete?: "off";
}) {
  const ids = useId();
  return (
    <>
      <div className="form__row">
        <div className="field">
          <label htmlFor={`${ids}-first`}>{clientsText.contactFirstName}</label>
          <input
            id={`${ids}-first`}
            autoComplete={autoComplete}
            maxLength={100}
            value={contact.first}
            onChange={(event) => onChange({ ...contact, first: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-last`}>{clientsText.contactLastName}</label>
          <input
            id={`${ids}-last`}
            autoComplete={autoComplete}
            maxLength={100}
            value={contact.last}
            onChange={(event) => onChange({ ...contact, last: event.target.value })}
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-email`}>{clientsText.contactEmail}</label>
        <input
          id={`${ids}-email`}
          type="email"
          autoComplete={autoComplete}
          value={contact.email}
          aria-invalid={emailError ? true : undefined}
          aria-describedby={emailError ? `${ids}-email-error` : undefined}
          onChange={(event) => onChange({ ...contact, email: event.target.value })}
        />
        {emailError && (
          <p id={`${ids}-email-error`} className="field__error">
            {emailError}
          </p>
        )}
      </div>
    </>
  );
}
