import { useId } from "react";
import type { FirmRole } from "../api/list-members";
import { membersText } from "../text";

// In the order a firm thinks of them: the most powerful first.
export const FIRM_ROLES: readonly FirmRole[] = ["owner", "admin", "client_manager", "accountant"];

/**
 * The firm roles as checkboxes with what each one allows. The owner role is offered only to the
 * owner (the API refuses it to anyone else, `owner-reserved`).
 */
export function RoleCheckboxes({
  selected,
  onChange,
  offerOwner,
  error,
}: {
  selected: readonly FirmRole[];
  onChange: (roles: FirmRole[]) => void;
  offerOwner: boolean;
  error?: string | undefined;
}) {
  const errorId = useId();
  const roles = FIRM_ROLES.filter((role) => role !== "owner" || offerOwner || selected.includes("owner"));
  const toggle = (role: FirmRole, checked: boolean) =>
    onChange(checked ? [...selected, role] : selected.filter((other) => other !== role));

  return (
    <fieldset className="field choices" aria-describedby={error ? errorId : undefined}>
      <legend className="field__label">{membersText.rolesLegend}</legend>
      <div className="choices__grid">
        {roles.map((role) => (
          <label key={role} className="choice">
            <input
              type="checkbox"
              name="roles"
              value={role}
              checked={selected.includes(role)}
              // Someone else's owner role is not ours to take away.
              disabled={role === "owner" && !offerOwner}
              onChange={(event) => toggle(role, event.target.checked)}
            />
            <span className="choice__label">{membersText.roleNames[role]}</span>
            <span className="choice__help">{membersText.roleDescriptions[role]}</span>
          </label>
        ))}
      </div>
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
