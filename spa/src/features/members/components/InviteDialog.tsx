import { useState, type FormEvent } from "react";
import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { TextField } from "@/components/TextField";
import { ApiProblem } from "@/lib/problem";
import { useInviteMember } from "../api/invite-member";
import type { FirmRole, Member } from "../api/list-members";
import { membersText as text } from "../text";
import { RoleCheckboxes } from "./RoleCheckboxes";

interface Draft {
  first_name: string;
  last_name: string;
  email: string;
  roles: FirmRole[];
}

const EMPTY: Draft = { first_name: "", last_name: "", email: "", roles: [] };

/** « Inviter un collaborateur »: names, e-mail and roles; the API's refusals shown inline. */
export function InviteDialog({
  open,
  offerOwner,
  onClose,
  onInvited,
}: {
  open: boolean;
  offerOwner: boolean;
  onClose: () => void;
  onInvited: (member: Member) => void;
}) {
  return (
    <ModalDialog open={open} title={text.inviteTitle} description={text.inviteHelp} wide onClose={onClose}>
      <InviteForm offerOwner={offerOwner} onClose={onClose} onInvited={onInvited} />
    </ModalDialog>
  );
}

function InviteForm({
  offerOwner,
  onClose,
  onInvited,
}: {
  offerOwner: boolean;
  onClose: () => void;
  onInvited: (member: Member) => void;
}) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [checked, setChecked] = useState(false);
  const invite = useInviteMember();
  const problem = invite.error instanceof ApiProblem ? invite.error : null;
  const set = (field: keyof Omit<Draft, "roles">) => (value: string) => setDraft({ ...draft, [field]: value });

  // The browser checks the e-mail's shape; these are the rules it cannot express.
  const missing = (value: string) => (checked && value.trim() === "" ? text.required : undefined);
  const rolesError = checked && draft.roles.length === 0 ? text.rolesRequired : problem?.fieldError("/body/roles");

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setChecked(true);
    if (!draft.first_name.trim() || !draft.last_name.trim() || !draft.email.trim() || draft.roles.length === 0) {
      return;
    }
    invite.mutate(
      { ...draft, first_name: draft.first_name.trim(), last_name: draft.last_name.trim(), email: draft.email.trim() },
      { onSuccess: onInvited },
    );
  };

  // A problem that names a field is shown next to it; any other one above the buttons.
  const fieldPointers = ["/body/first_name", "/body/last_name", "/body/email", "/body/roles"];
  const generalProblem = problem && !problem.errors.some((error) => fieldPointers.includes(error.pointer));

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="form__row">
        <TextField
          label={text.firstName}
          value={draft.first_name}
          onChange={set("first_name")}
          autoComplete="off"
          required
          error={missing(draft.first_name) ?? problem?.fieldError("/body/first_name")}
        />
        <TextField
          label={text.lastName}
          value={draft.last_name}
          onChange={set("last_name")}
          autoComplete="off"
          required
          error={missing(draft.last_name) ?? problem?.fieldError("/body/last_name")}
        />
      </div>
      <TextField
        label={text.email}
        type="email"
        value={draft.email}
        onChange={set("email")}
        autoComplete="off"
        required
        error={missing(draft.email) ?? problem?.fieldError("/body/email")}
      />
      <RoleCheckboxes
        selected={draft.roles}
        onChange={(roles) => setDraft({ ...draft, roles })}
        offerOwner={offerOwner}
        error={rolesError}
      />
      {generalProblem && <ProblemMessage problem={problem} />}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose} disabled={invite.isPending}>
          {text.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={invite.isPending}>
          {invite.isPending ? text.sending : text.sendInvitation}
        </button>
      </div>
    </form>
  );
}
