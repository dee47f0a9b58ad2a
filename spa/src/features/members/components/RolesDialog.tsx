import { useState, type FormEvent } from "react";
import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { useChangeMemberRoles } from "../api/change-member-roles";
import type { FirmRole, Member } from "../api/list-members";
import { membersText as text } from "../text";
import { fullName } from "./member-name";
import { RoleCheckboxes } from "./RoleCheckboxes";

/** « Modifier les rôles »: the API's refusals (last administrator, owner reserved) inline. */
export function RolesDialog({
  member,
  offerOwner,
  onClose,
  onSaved,
}: {
  member: Member | null;
  offerOwner: boolean;
  onClose: () => void;
  onSaved: (member: Member) => void;
}) {
  return (
    <ModalDialog
      open={member !== null}
      title={member ? text.editRolesTitle(fullName(member)) : ""}
      description={text.editRolesHelp}
      onClose={onClose}
    >
      {member && <RolesForm key={member.id} member={member} offerOwner={offerOwner} onClose={onClose} onSaved={onSaved} />}
    </ModalDialog>
  );
}

function RolesForm({
  member,
  offerOwner,
  onClose,
  onSaved,
}: {
  member: Member;
  offerOwner: boolean;
  onClose: () => void;
  onSaved: (member: Member) => void;
}) {
  const [roles, setRoles] = useState<FirmRole[]>(member.roles.filter((role): role is FirmRole => role !== "company_user"));
  const [checked, setChecked] = useState(false);
  const change = useChangeMemberRoles();
  const problem = change.error instanceof ApiProblem ? change.error : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setChecked(true);
    if (roles.length === 0) return;
    change.mutate({ memberId: member.id, roles }, { onSuccess: onSaved });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <RoleCheckboxes
        selected={roles}
        onChange={setRoles}
        offerOwner={offerOwner}
        error={checked && roles.length === 0 ? text.rolesRequired : undefined}
      />
      {problem && <ProblemMessage problem={problem} />}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose} disabled={change.isPending}>
          {text.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={change.isPending}>
          {change.isPending ? text.saving : text.save}
        </button>
      </div>
    </form>
  );
}
