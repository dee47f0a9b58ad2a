import { useId, useState, type FormEvent } from "react";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { useCreateClient } from "../api/create-client";
import { useCompanySearch, type Company } from "../api/search-companies";
import type { components } from "@/api/schema";
import { contactBody, emptyContact } from "../contact";
import { normaliseQuery } from "../list-filters";
import { clientsText } from "../text";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { ContactFields } from "./ContactFields";
import { Modal } from "./Modal";

type ClientOut = components["schemas"]["ClientOut"];

/** What the registry is asked: a full SIREN or SIRET, or at least three letters of a name. */
export function lookupQuery(input: string): string {
  const query = normaliseQuery(input);
  if (/^\d+$/.test(query)) return query.length === 9 || query.length === 14 ? query : "";
  return query.length >= 3 ? query : "";
}

function isClosed(company: Company): boolean {
  return company.state === "closed" || company.establishment_state === "closed";
}

function companyKey(company: Company): string {
  return company.siret ?? company.siren;
}

/** « Ajouter un client »: live registry lookup, then the contact the invitation will go to. */
export function AddClientDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (client: ClientOut) => void;
}) {
  return (
    <Modal open={open} title={clientsText.addTitle} onClose={onClose} wide>
      <AddClientForm onCreated={onCreated} onCancel={onClose} />
    </Modal>
  );
}

function AddClientForm({ onCreated, onCancel }: { onCreated: (client: ClientOut) => void; onCancel: () => void }) {
  const ids = useId();
  const [input, setInput] = useState("");
  const query = useDebouncedValue(lookupQuery(input));
  const search = useCompanySearch(query);
  const [chosenKey, setChosenKey] = useState<string | null>(null);
  const [legalName, setLegalName] = useState("");
  const [contact, setContact] = useState(emptyContact);
  const [missingChoice, setMissingChoice] = useState(false);
  const create = useCreateClient();

  const results = query ? (search.data?.items ?? []) : [];
  const chosen = results.find((company) => companyKey(company) === chosenKey && !isClosed(company)) ?? null;
  const problem = create.error instanceof ApiProblem ? create.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) {
      setMissingChoice(true);
      return;
    }
    // Looked up by SIRET: that establishment; otherwise the company (its head office).
    const identifier = query.length === 14 && chosen.siret === query ? chosen.siret : chosen.siren;
    create.mutate(
      {
        identifier,
        legal_name: chosen.non_diffusible && legalName.trim() ? legalName.trim() : null,
        ...contactBody(contact),
      },
      { onSuccess: onCreated },
    );
  };

  const emailError = problem?.fieldError("/body/contact_email");
  const identifierError = problem?.fieldError("/body/identifier");

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${ids}-lookup`}>{clientsText.lookupLabel}</label>
        <input
          id={`${ids}-lookup`}
          type="search"
          data-autofocus
          autoComplete="off"
          value={input}
          aria-describedby={`${ids}-lookup-help`}
          onChange={(event) => {
            setInput(event.target.value);
            setMissingChoice(false);
          }}
        />
        <p id={`${ids}-lookup-help`} className="field__help">
          {clientsText.lookupHelp}
        </p>
      </div>

      <div aria-live="polite" className="lookup__status">
        {query && search.isFetching && <p className="muted">{clientsText.lookupSearching}</p>}
        {query && !search.isFetching && search.data && (
          <p className="visually-hidden">{clientsText.lookupCount(results.length)}</p>
        )}
      </div>
      {search.error instanceof ApiProblem && <ProblemMessage problem={search.error} />}
      {query && search.data && results.length === 0 && <p className="empty">{clientsText.lookupNone}</p>}
      {results.length > 0 && (
        <fieldset className="lookup" aria-describedby={missingChoice ? `${ids}-choice-error` : undefined}>
          <legend>{clientsText.lookupResults}</legend>
          <ul className="lookup__results">
            {results.map((company) => {
              const closed = isClosed(company);
              const key = companyKey(company);
              const optionId = `${ids}-company-${key}`;
              return (
                <li key={key} className="lookup__item" data-closed={closed}>
                  <input
                    type="radio"
                    id={optionId}
                    name={`${ids}-company`}
                    value={key}
                    checked={chosenKey === key && !closed}
                    disabled={closed}
                    aria-describedby={closed ? `${optionId}-closed` : undefined}
                    onChange={() => {
                      setChosenKey(key);
                      setMissingChoice(false);
                    }}
                  />
                  <label htmlFor={optionId}>
                    <span className="lookup__name">
                      {company.legal_name ?? clientsText.nonDiffusibleName}
                      {company.non_diffusible && <span className="tag tag--neutral">{clientsText.nonDiffusible}</span>}
                      {closed && <span className="tag tag--danger">{clientsText.closedCompany}</span>}
                    </span>
                    <span className="lookup__meta">
                      {clientsText.siren} {company.siren}
                      {company.siret && ` · ${clientsText.siret} ${company.siret}`}
                      {company.nature_juridique_label && ` · ${company.nature_juridique_label}`}
                    </span>
                    <span className="lookup__meta">
                      {[company.address, [company.postal_code, company.city].filter(Boolean).join(" ")]
                        .filter(Boolean)
                        .join(", ")}
                    </span>
                    {closed && (
                      <span id={`${optionId}-closed`} className="lookup__closed">
                        {clientsText.closedCompanyHelp}
                      </span>
                    )}
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      )}
      {missingChoice && (
        <p id={`${ids}-choice-error`} className="field__error" role="alert">
          {clientsText.chooseCompany}
        </p>
      )}
      {identifierError && <p className="field__error">{identifierError}</p>}

      {chosen?.non_diffusible && (
        <div className="field">
          <label htmlFor={`${ids}-legal-name`}>{clientsText.legalNameLabel}</label>
          <input
            id={`${ids}-legal-name`}
            value={legalName}
            maxLength={400}
            onChange={(event) => setLegalName(event.target.value)}
          />
        </div>
      )}

      <fieldset className="form__group">
        <legend>{clientsText.contactHeading}</legend>
        <p className="field__help">{clientsText.contactHelp}</p>
        <ContactFields contact={contact} onChange={setContact} emailError={emailError} autoComplete="off" />
      </fieldset>

      {problem && !emailError && <ProblemMessage problem={problem} />}

      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel}>
          {clientsText.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {create.isPending ? clientsText.adding : clientsText.add}
        </button>
      </div>
    </form>
  );
}
