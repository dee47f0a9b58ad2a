import { useId, useState } from "react";
import { extensionsText } from "../text";

const text = extensionsText.secret;

/**
 * A secret the API returns once (an API key, a webhook signing secret): the warning, the value
 * in a read-only field that selects itself, and a copy button. The caller forgets the value
 * when the dialog closes.
 */
export function SecretReveal({ label, secret, onDone }: { label: string; secret: string; onDone: () => void }) {
  const id = useId();
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");

  const copyToClipboard = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
    } catch {
      // No clipboard permission (an embedded browser, an insecure origin): the user copies.
      setCopy("failed");
    }
  };

  return (
    <div className="secret">
      <div className="warning">
        <p className="warning__title">{text.warningTitle}</p>
        <p>{text.warningBody}</p>
      </div>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <div className="secret__value">
        <input
          id={id}
          className="field__input secret__input"
          readOnly
          value={secret}
          data-testid="secret-value"
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button" onClick={() => void copyToClipboard()}>
          {text.copy}
        </button>
      </div>
      <p className="muted" role="status">
        {copy === "copied" ? text.copied : copy === "failed" ? text.copyFailed : ""}
      </p>
      <div className="dialog__actions">
        <button type="button" className="button button--primary" onClick={onDone}>
          {text.done}
        </button>
      </div>
    </div>
  );
}
