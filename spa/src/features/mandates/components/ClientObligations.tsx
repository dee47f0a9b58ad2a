import { useId, useState, type FormEvent } from "react";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatDate } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useClientReadiness, useUpdateReadiness, type ClientReadiness } from "../api/firm";
import { mandatesText } from "../text";

const text = mandatesText.obligations;
const SIRENE = "";

/** The client's e-invoicing obligations in its « Mandat » tab, and the two inputs the firm may
 * set: the company category (SIRENE's `categorieEntreprise` unless corrected) and the VAT
 * regime (which gives the e-reporting cadence). */
export function ClientObligations({ clientId }: { clientId: string }) {
  const readiness = useClientReadiness(clientId);
  if (readiness.error instanceof ApiProblem) return <ProblemMessage problem={readiness.error} />;
  if (!readiness.data) return <p role="status">{mandatesText.loading}</p>;
  return <ObligationsForm clientId={clientId} readiness={readiness.data} />;
}

function ObligationsForm({ clientId, readiness }: { clientId: string; readiness: ClientReadiness }) {
  const categoryId = useId();
  const vatId = useId();
  const update = useUpdateReadiness(clientId);
  const [category, setCategory] = useState(
    readiness.category_source === "firm" ? (readiness.company_category ?? SIRENE) : SIRENE,
  );
  const [vatRegime, setVatRegime] = useState(readiness.vat_regime ?? "");
  const duties = readiness.obligations;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
      company_category: category === SIRENE ? null : (category as ClientReadiness["company_category"]),
      vat_regime: vatRegime === "" ? null : (vatRegime as ClientReadiness["vat_regime"]),
    });
  };
  const sireneCategory =
    readiness.category_source === "sirene" && readiness.company_category
      ? text.categories[readiness.company_category]
      : undefined;
  const sireneLabel = sireneCategory ? text.fromSirene(sireneCategory) : text.fromSireneUnknown;

  return (
    <section className="card stack" aria-labelledby="client-obligations-title" data-testid="client-obligations">
      <h3 id="client-obligations-title">{text.title}</h3>
      <dl className="mandate-panel__facts">
        <dt>{text.reception}</dt>
        <dd>{formatDate(duties.reception_from)}</dd>
        <dt>{text.emission}</dt>
        <dd data-testid="obligation-emission">{formatDate(duties.emission_from)}</dd>
        <dt>{text.eReporting}</dt>
        <dd>{formatDate(duties.e_reporting_from)}</dd>
        <dt>{text.cadence}</dt>
        <dd data-testid="obligation-cadence">{duties.e_reporting_cadence ?? mandatesText.cadenceUnknown}</dd>
      </dl>
      <form className="stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor={categoryId} className="field__label">
            {text.category}
          </label>
          <select id={categoryId} className="field__input" value={category} onChange={(event) => setCategory(event.target.value)}>
            <option value={SIRENE}>{sireneLabel}</option>
            {Object.entries(text.categories).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={vatId} className="field__label">
            {text.vatRegime}
          </label>
          <select id={vatId} className="field__input" value={vatRegime} onChange={(event) => setVatRegime(event.target.value)}>
            <option value="">{text.vatUnknown}</option>
            {Object.entries(text.vatRegimes).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <p>
          <button type="submit" className="button" disabled={update.isPending}>
            {text.save}
          </button>
        </p>
        {update.isSuccess && <p role="status">{text.saved}</p>}
        {update.error instanceof ApiProblem && <ProblemMessage problem={update.error} />}
      </form>
    </section>
  );
}
