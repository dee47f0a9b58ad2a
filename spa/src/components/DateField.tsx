import { useId, useState } from "react";
import { formatDate, parseFrenchDate } from "@/lib/format";
import { componentsText } from "./text";

/**
 * A calendar date typed as jj/mm/aaaa, whatever the browser's language (a native
 * `<input type=date>` shows the order of the browser's locale, not the page's). `value` and
 * `onChange` carry the ISO date the API takes; text that is not yet a whole day changes
 * nothing, and says so once the field is left.
 */
export function DateField({
  label,
  value,
  onChange,
  error,
  hint,
  className = "field",
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  /** A rule the form checks across fields (a period's end before its start). */
  error?: string | undefined;
  hint?: string | undefined;
  className?: string;
}) {
  const id = useId();
  const [text, setText] = useState(value ? formatDate(value) : "");
  const [shown, setShown] = useState(value);
  const [left, setLeft] = useState(false);
  // The value changed from outside (« Réinitialiser »): show it, unless the text already says it.
  if (value !== shown) {
    setShown(value);
    if ((parseFrenchDate(text) ?? undefined) !== value) setText(value ? formatDate(value) : "");
  }
  const unreadable = left && text.trim() !== "" && parseFrenchDate(text) === null;
  const message = unreadable ? componentsText.dateInvalid : error;

  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder={componentsText.datePlaceholder}
        maxLength={10}
        value={text}
        aria-invalid={message ? true : undefined}
        aria-describedby={[`${id}-format`, hint ? `${id}-hint` : null, message ? `${id}-error` : null].filter(Boolean).join(" ")}
        onChange={(event) => {
          const typed = event.target.value;
          setText(typed);
          setLeft(false);
          if (typed.trim() === "") {
            setShown(undefined);
            onChange(undefined);
            return;
          }
          const parsed = parseFrenchDate(typed);
          if (parsed !== null) {
            setShown(parsed);
            onChange(parsed);
          }
        }}
        onBlur={() => setLeft(true)}
      />
      <span id={`${id}-format`} className="visually-hidden">
        {componentsText.dateFormat}
      </span>
      {message && (
        <p id={`${id}-error`} className="field__error">
          {message}
        </p>
      )}
    </div>
  );
}
