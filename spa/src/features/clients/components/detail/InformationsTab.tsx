import { useState, type FormEvent } from "react";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatDateTime, formatLongDate } from "@/lib/format";
import { useCan } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import type { ClientDetail } from "../../api/get-client";
import { useInviteClient } from "../../api/invite-client";
import { useUpdateClientContact } from "../../api/update-client-contact";
import { contactBody, type ContactDraft } from "../../contact";
import { clientsText } from "../../text";
import { ContactFields } from "../ContactFields";

/** « Informations »: the registry identity, the contact (editable with clients:manage), the invitation. */
export function InformationsTab({ client }: { client: ClientDetail }) {
  const can = useCan();
  const address = [client.address_line, [client.postal_code, client.city].filter(Boolean).join(" ")]
    .filter(Boolean)
    .join(", ");
  return (
    <div className="stack">
      <section className="card" aria-labelledby="client-identity">
        <h3 id="client-identity">{clientsText.identityHeading}</h3>
        <dl className="facts">
          <dt>{clientsText.siren}</dt>
          <dd className="numeric">{client.siren}</dd>
          <dt>{clientsText.siret}</dt>
          <dd className="numeric">{client.siret ?? clientsText.none}</dd>
          <dt>{clientsText.vat}</dt>
          <dd className="numeric">{client.vat_number ?? clientsText.none}</dd>
          <dt>{clientsText.legalForm}</dt>
          <dd>{client.legal_form_label ?? client.legal_form_code ?? clientsText.none}</dd>
          <dt>{clientsText.activity}</dt>
          <dd>{client.activity_code ?? clientsText.none}</dd>
          <dt>{clientsText.address}</dt>
          <dd>{address || clientsText.none}</dd>
          <dt>{clientsText.createdAt}</dt>
          <dd>{formatLongDate(client.created_at)}</dd>
        </dl>
      </section>
      {can("clients:manage") ? <ContactForm client={client} /> : <ContactFacts client={client} />}
      <InvitationCard client={client} canInvite={can("clients:manage")} />
    </div>
  );
}

function InvitationCard({ client, canInvite }: { client: ClientDetail; canInvite: boolean }) {
  const invite = useInviteClient();
  const status = client.invitation_status;
  const again = status === "sent" || status === "expired";
  return (
    <section className="card" aria-labelledby="client-invitation">
      <h3 id="client-invitation">{clientsText.invitationHeading}</h3>
      <dl className="facts">
        <dt>{clientsText.invitationStatusLabel}</dt>
        <dd data-testid="invitation-status" data-invitation-status={status}>
          {clientsText.invitationStatus[status] ?? status}
        </dd>
        {client.invited_at && (
          <>
            <dt>{clientsText.invitedAt}</dt>
            <dd>{formatDateTime(client.invited_at)}</dd>
          </>
        )}
        {client.invitation_expires_at && status === "sent" && (
          <>
            <dt>{clientsText.invitationExpiresAt}</dt>
            <dd>{formatDateTime(client.invitation_expires_at)}</dd>
          </>
        )}
        {client.invitation_reminders > 0 && (
          <>
            <dt>{clientsText.invitationReminders}</dt>
            <dd className="numeric">{client.invitation_reminders}</dd>
          </>
        )}
      </dl>
      {canInvite && status !== "accepted" && (
        <div className="form__actions">
          {client.contact_email ? (
            <button
              type="button"
              className="button button--primary"
              disabled={invite.isPending}
              onClick={() => invite.mutate(client.id)}
            >
              {again ? clientsText.remind : clientsText.invite}
            </button>
          ) : (
            <p className="muted">{clientsText.inviteNeedsEmail}</p>
          )}
          {invite.isSuccess && (
            <span role="status" className="form__saved">
              {clientsText.invitationSent}
            </span>
          )}
        </div>
      )}
      {invite.error instanceof ApiProblem && <ProblemMessage problem={invite.error} />}
    </section>
  );
}

function ContactFacts({ client }: { client: ClientDetail }) {
  const name = [client.contact_first_name, client.contact_last_name].filter(Boolean).join(" ");
  return (
    <section className="card" aria-labelledby="client-contact">
      <h3 id="client-contact">{clientsText.contactHeading}</h3>
      {name || client.contact_email ? (
        <dl className="facts">
          <dt>{clientsText.contactLastName}</dt>
          <dd>{name || clientsText.none}</dd>
          <dt>{clientsText.contactEmail}</dt>
          <dd>{client.contact_email ?? clientsText.none}</dd>
        </dl>
      ) : (
        <p className="empty">{clientsText.noContact}</p>
      )}
    </section>
  );
}

function ContactForm({ client }: { client: ClientDetail }) {
  const update = useUpdateClientContact();
  const [draft, setDraft] = useState<ContactDraft>({
    first: client.contact_first_name ?? "",
    last: client.contact_last_name ?? "",
    email: client.contact_email ?? "",
  });
  const problem = update.error instanceof ApiProblem ? update.error : null;
  const emailError = problem?.fieldError("/body/contact_email");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
      clientId: client.id,
      body: contactBody(draft),
    });
  };
  return (
    <section className="card" aria-labelledby="client-contact">
      <h3 id="client-contact">{clientsText.contactHeading}</h3>
      <p className="field__help">{clientsText.contactHelp}</p>
      <form className="form" onSubmit={submit} noValidate>
        <ContactFields contact={draft} onChange={setDraft} emailError={emailError} />
        {problem && !emailError && <ProblemMessage problem={problem} />}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={update.isPending}>
            {update.isPending ? clientsText.saving : clientsText.save}
          </button>
          {update.isSuccess && (
            <span role="status" className="form__saved">
              {clientsText.saved}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
