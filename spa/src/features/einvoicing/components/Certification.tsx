import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import type { Certification } from "../api/get-certification";
import { useCertification } from "../api/get-certification";
import { einvoicingText } from "../text";

/**
 * The certification sentence, exactly as the API words it, with the box the user must tick
 * before any activation. `onChange` hands back the certification once ticked, null otherwise.
 */
export function CertificationCheckbox({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange: (certification: Certification | null) => void;
}) {
  const certification = useCertification();
  if (certification.isPending) return <p>{einvoicingText.loading}</p>;
  if (certification.error) {
    return certification.error instanceof ApiProblem ? <ProblemMessage problem={certification.error} /> : null;
  }
  const data = certification.data;
  return (
    <fieldset className="form__group certification">
      <legend>{einvoicingText.certificationLegend}</legend>
      <label className="certification__label">
        <input
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked ? data : null)}
        />{" "}
        <span data-testid="certification-text">{data.text}</span>
      </label>
      <p className="field__help">{einvoicingText.certificationVersion(data.version)}</p>
    </fieldset>
  );
}
