import { useId } from "react";

/** A group of checkboxes with one legend and one error (scopes, events). */
export function Checkboxes<T extends string>({
  legend,
  options,
  labels,
  selected,
  onChange,
  error,
  hint,
}: {
  legend: string;
  options: readonly T[];
  labels: Record<T, string>;
  selected: readonly T[];
  onChange: (values: T[]) => void;
  error?: string | undefined;
  hint?: string | undefined;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <fieldset className="field choices" aria-describedby={describedBy || undefined}>
      <legend className="field__label">{legend}</legend>
      {hint && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      <div className="choices__grid">
        {options.map((option) => (
          <label key={option} className="choice">
            <input
              type="checkbox"
              value={option}
              checked={selected.includes(option)}
              onChange={(event) =>
                onChange(
                  event.target.checked ? [...selected, option] : selected.filter((other) => other !== option),
                )
              }
            />
            <span className="choice__label">{labels[option]}</span>
            <code className="choice__help">{option}</code>
          </label>
        ))}
      </div>
      {error && (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
