import { useId, useState, type FormEvent, type ReactNode } from "react";
import { Link, useParams } from "react-router";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { DataTable } from "@/components/DataTable";
import { ProblemMessage } from "@/components/ProblemMessage";
import { useConfirmedMutation } from "@/components/use-confirmed-mutation";
import { formatAmount, formatDate, formatDateTime, formatLongDate } from "@/lib/format";
import { useCan } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import { useActivateEinvoicing, useDeregisterEinvoicing } from "../api/activate-einvoicing";
import { useAssign, useUnassign } from "../api/assignments";
import { useDownloadMandateTemplate } from "../api/downloads";
import { useEinvoicing } from "../api/einvoicing";
import { useEinvoicingHistory } from "../api/einvoicing-history";
import { certificationBody, type Certification } from "../api/get-certification";
import { useInviteClient } from "../api/invite-client";
import { useClientHistory } from "../api/client-history";
import { useClient, type ClientDetail } from "../api/get-client";
import { memberName, useAccountants } from "../api/list-accountants";
import { usePlans } from "../api/list-plans";
import { useSetSubscription, useSubscription } from "../api/subscription";
import { useUpdateClientContact } from "../api/update-client-contact";
import { contactBody, type ContactDraft } from "../contact";
import { ClientPermission } from "../permissions";
import { clientsText } from "../text";
import { ClientStatusBadge, PaStatusBadge } from "./Badges";
import { CertificationCheckbox } from "./Certification";
import { ContactFields } from "./ContactFields";
import { emptySubscription, SubscriptionFields, type SubscriptionDraft } from "./SubscriptionFields";

type Tab = keyof typeof clientsText.tabs;

/** A client's file: identity and contact, Comptables, subscription, e-invoicing, its flows
 * (`flowsTab`, composed by app/ from the flows feature), history. */
export function ClientDetailPage({ flowsTab }: { flowsTab?: (clientId: string) => ReactNode } = {}) {
  const { clientId = "", tab: tabParam } = useParams();
  const can = useCan();
  const client = useClient(clientId);

  // « Facturation électronique » reads routes that need `einvoicing:manage`; « Historique »
  // reads the audit trail, which only `audit:read` may (no client-scoped history route yet).
  const tabs: Tab[] = ["informations", "collaborateurs", "abonnement"];
  if (can(ClientPermission.EINVOICING_MANAGE)) tabs.push("facturation");
  if (flowsTab && can(ClientPermission.DOCUMENTS_READ)) tabs.push("flux");
  if (can(ClientPermission.AUDIT_READ)) tabs.push("historique");
  const tab: Tab = tabs.find((candidate) => candidate === tabParam) ?? "informations";

  if (client.isPending) return <p role="status">{clientsText.loading}</p>;
  if (client.error) {
    return (
      <>
        <p>
          <Link to="/clients">← {clientsText.detailBack}</Link>
        </p>
        {client.error instanceof ApiProblem && client.error.status === 404 ? (
          <p className="empty card">{clientsText.notFound}</p>
        ) : (
          client.error instanceof ApiProblem && <ProblemMessage problem={client.error} />
        )}
      </>
    );
  }
  const detail = client.data;

  return (
    <>
      <p>
        <Link to="/clients">← {clientsText.detailBack}</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{detail.legal_name}</h1>
          <p className="client-summary">
            <span className="numeric">
              {clientsText.siren} {detail.siren}
            </span>
            <ClientStatusBadge status={detail.status} />
            <PaStatusBadge status={detail.pa_status} />
            {detail.is_firm_itself && <span className="tag tag--brand">{clientsText.firmItselfBadge}</span>}
          </p>
        </div>
      </div>
      <nav className="tabs" aria-label={clientsText.tabsLabel}>
        <ul>
          {tabs.map((candidate) => (
            <li key={candidate}>
              <Link
                to={candidate === "informations" ? `/clients/${detail.id}` : `/clients/${detail.id}/${candidate}`}
                aria-current={candidate === tab ? "page" : undefined}
                className={candidate === tab ? "tabs__link tabs__link--active" : "tabs__link"}
              >
                {clientsText.tabs[candidate]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section className="tab-panel" aria-labelledby="client-tab-heading">
        <h2 id="client-tab-heading" className="visually-hidden">
          {clientsText.tabs[tab]}
        </h2>
        {tab === "informations" && <InformationsTab client={detail} />}
        {tab === "collaborateurs" && <CollaboratorsTab client={detail} />}
        {tab === "abonnement" && <SubscriptionTab client={detail} />}
        {tab === "facturation" && <EinvoicingTab client={detail} />}
        {tab === "flux" && flowsTab?.(detail.id)}
        {tab === "historique" && <HistoryTab client={detail} />}
      </section>
    </>
  );
}

function InformationsTab({ client }: { client: ClientDetail }) {
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
      {can(ClientPermission.MANAGE) ? <ContactForm client={client} /> : <ContactFacts client={client} />}
      <InvitationCard client={client} canInvite={can(ClientPermission.MANAGE)} />
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

function CollaboratorsTab({ client }: { client: ClientDetail }) {
  const can = useCan();
  const canManage = can(ClientPermission.MANAGE);
  const unassign = useUnassign();
  const removal = useConfirmedMutation(unassign, (assignee: ClientDetail["assignees"][number]) => ({
    clientId: client.id,
    userId: assignee.user_id,
  }));
  return (
    <div className="stack">
      <section className="card" aria-labelledby="client-assignees">
        <h3 id="client-assignees">{clientsText.assigneesHeading}</h3>
        {client.assignees.length === 0 ? (
          <p className="empty">{clientsText.noAssignees}</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <caption className="visually-hidden">{clientsText.assigneesCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{clientsText.contactLastName}</th>
                  <th scope="col">{clientsText.contactEmail}</th>
                  <th scope="col">{clientsText.assignedAt}</th>
                  {canManage && <th scope="col">{clientsText.unassign}</th>}
                </tr>
              </thead>
              <tbody>
                {client.assignees.map((assignee) => (
                  <tr key={assignee.user_id}>
                    <td>{memberName(assignee)}</td>
                    <td>{assignee.email}</td>
                    <td>{formatDate(assignee.assigned_at)}</td>
                    {canManage && (
                      <td>
                        <button
                          type="button"
                          className="button button--small"
                          aria-label={clientsText.unassignLabel(memberName(assignee))}
                          onClick={() => removal.ask(assignee)}
                        >
                          {clientsText.unassign}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {canManage && can(ClientPermission.MEMBERS_READ) && <AssignForm client={client} />}
      <ConfirmDialog
        open={removal.target !== null}
        title={clientsText.unassignTitle}
        confirmLabel={clientsText.unassign}
        pending={unassign.isPending}
        onCancel={removal.close}
        onConfirm={removal.confirm}
      >
        <p>{clientsText.unassignBody(removal.target ? memberName(removal.target) : "")}</p>
        {unassign.error instanceof ApiProblem && <ProblemMessage problem={unassign.error} />}
      </ConfirmDialog>
    </div>
  );
}

function AssignForm({ client }: { client: ClientDetail }) {
  const ids = useId();
  const accountants = useAccountants(true);
  const assign = useAssign();
  const [userId, setUserId] = useState("");
  const assigned = new Set(client.assignees.map((assignee) => assignee.user_id));
  const candidates = (accountants.data ?? []).filter((member) => !assigned.has(member.user_id));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (userId) assign.mutate({ clientId: client.id, userId }, { onSuccess: () => setUserId("") });
  };
  return (
    <section className="card" aria-labelledby="client-assign">
      <h3 id="client-assign">{clientsText.assignHeading}</h3>
      {accountants.error instanceof ApiProblem && <ProblemMessage problem={accountants.error} />}
      {accountants.data?.length === 0 ? (
        <p className="empty">{clientsText.noAccountants}</p>
      ) : (
        <form className="form form--inline" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${ids}-accountant`}>{clientsText.assignLabel}</label>
            <select id={`${ids}-accountant`} value={userId} onChange={(event) => setUserId(event.target.value)}>
              <option value="">{clientsText.assignChoose}</option>
              {candidates.map((member) => (
                <option key={member.user_id} value={member.user_id}>
                  {memberName(member)} ({member.email})
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--primary" disabled={!userId || assign.isPending}>
            {clientsText.assign}
          </button>
        </form>
      )}
      {assign.error instanceof ApiProblem && <ProblemMessage problem={assign.error} />}
    </section>
  );
}

function SubscriptionTab({ client }: { client: ClientDetail }) {
  const can = useCan();
  const subscription = useSubscription(client.id);
  const plans = usePlans();
  const planOf = (code: string) => plans.data?.find((plan) => plan.code === code);
  const current = subscription.data?.current ?? null;
  const currentPlan = current ? planOf(current.plan_code) : undefined;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="client-subscription">
        <h3 id="client-subscription">{clientsText.subscriptionHeading}</h3>
        {subscription.isPending && <p>{clientsText.loading}</p>}
        {subscription.error instanceof ApiProblem && <ProblemMessage problem={subscription.error} />}
        {subscription.data && !current && <p className="empty">{clientsText.noSubscription}</p>}
        {current && (
          <dl className="facts">
            <dt>{clientsText.plan}</dt>
            <dd>
              {currentPlan?.name ?? current.plan_code}
              {currentPlan && ` — ${clientsText.monthlyPrice(formatAmount(currentPlan.monthly_price))}`}
            </dd>
            <dt>{clientsText.payerLabel}</dt>
            <dd>{clientsText.payer[current.payer]}</dd>
            <dt>{clientsText.subscriptionStatusLabel}</dt>
            <dd>{clientsText.subscriptionStatus[current.status]}</dd>
            <dt>{clientsText.startDate}</dt>
            <dd>{formatLongDate(current.start_date)}</dd>
          </dl>
        )}
      </section>
      {can(ClientPermission.MANAGE) && subscription.data && (
        <SubscriptionForm
          key={current?.updated_at ?? "none"}
          clientId={client.id}
          initial={
            current
              ? { plan_code: current.plan_code, payer: current.payer, status: current.status, start_date: current.start_date }
              : emptySubscription()
          }
          hasCurrent={current !== null}
        />
      )}
      {subscription.data && (
        <section className="card" aria-labelledby="client-subscription-history">
          <h3 id="client-subscription-history">{clientsText.historyHeading}</h3>
          {subscription.data.history.length === 0 ? (
            <p className="empty">{clientsText.noHistory}</p>
          ) : (
            <DataTable
              caption={clientsText.historyCaption}
              columns={[
                clientsText.changedAt,
                clientsText.plan,
                clientsText.payerLabel,
                clientsText.subscriptionStatusLabel,
                clientsText.startDate,
              ]}
            >
              {subscription.data.history.map((change) => (
                <tr key={change.changed_at}>
                  <td>{formatDateTime(change.changed_at)}</td>
                  <td>{planOf(change.plan_code)?.name ?? change.plan_code}</td>
                  <td>{clientsText.payer[change.payer]}</td>
                  <td>{clientsText.subscriptionStatus[change.status]}</td>
                  <td>{formatDate(change.start_date)}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>
      )}
    </div>
  );
}

function SubscriptionForm({
  clientId,
  initial,
  hasCurrent,
}: {
  clientId: string;
  initial: SubscriptionDraft;
  hasCurrent: boolean;
}) {
  const [draft, setDraft] = useState(initial);
  const set = useSetSubscription();
  const problem = set.error instanceof ApiProblem ? set.error : null;
  const title = hasCurrent ? clientsText.changeSubscription : clientsText.setSubscription;
  return (
    <section className="card" aria-labelledby="client-subscription-form">
      <h3 id="client-subscription-form">{title}</h3>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          set.mutate({ clientId, body: draft });
        }}
      >
        <SubscriptionFields draft={draft} onChange={setDraft} problem={problem} />
        {problem && <ProblemMessage problem={problem} />}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={set.isPending || !draft.plan_code}>
            {set.isPending ? clientsText.saving : clientsText.save}
          </button>
        </div>
      </form>
    </section>
  );
}

function EinvoicingTab({ client }: { client: ClientDetail }) {
  const state = useEinvoicing(client.id);
  const paStatus = state.data?.pa_status;
  const designation = state.data?.designation ?? null;
  const download = useDownloadMandateTemplate();
  const canActivate = paStatus === "not_registered" || paStatus === "error" || paStatus === "deregistered";
  const endRequested = designation?.end_requested_on ?? null;
  const canDeregister = paStatus === "registered" && !endRequested;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="client-einvoicing">
        <h3 id="client-einvoicing">{clientsText.einvoicingHeading}</h3>
        {state.isPending && <p>{clientsText.loading}</p>}
        {state.error instanceof ApiProblem && <ProblemMessage problem={state.error} />}
        {state.data && (
          <dl className="facts">
            <dt>{clientsText.paDesignation}</dt>
            <dd data-testid="einvoicing-status">
              <PaStatusBadge status={state.data.pa_status} />
            </dd>
            {designation && (
              <>
                <dt>{clientsText.designationSince}</dt>
                <dd>{formatLongDate(designation.date_from)}</dd>
                {designation.registered_at && (
                  <>
                    <dt>{clientsText.registeredAt}</dt>
                    <dd>{formatDateTime(designation.registered_at)}</dd>
                  </>
                )}
                {endRequested && paStatus === "registered" && (
                  <>
                    <dt>{clientsText.deregisterHeading}</dt>
                    <dd>{clientsText.deregistrationRequested(formatLongDate(endRequested))}</dd>
                  </>
                )}
                {designation.date_to && (
                  <>
                    <dt>{clientsText.designationEnd}</dt>
                    <dd>{formatLongDate(designation.date_to)}</dd>
                  </>
                )}
                {designation.status === "error" && (
                  <>
                    <dt>{clientsText.designationError}</dt>
                    <dd>{designation.error_detail ?? designation.error_code}</dd>
                  </>
                )}
              </>
            )}
          </dl>
        )}
      </section>
      <section className="card" aria-labelledby="client-mandate">
        <h3 id="client-mandate">{clientsText.mandateHeading}</h3>
        <p className="field__help">{clientsText.mandateHelp}</p>
        <button
          type="button"
          className="button"
          disabled={download.isPending}
          onClick={() => download.mutate({ clientId: client.id, siren: client.siren })}
        >
          {download.isPending ? clientsText.downloading : clientsText.downloadMandate}
        </button>
        {download.error instanceof ApiProblem && <ProblemMessage problem={download.error} />}
      </section>
      {canActivate && <ActivationForm key={paStatus} clientId={client.id} />}
      {canDeregister && <DeregistrationCard client={client} />}
      <EinvoicingHistory clientId={client.id} paStatus={paStatus} />
    </div>
  );
}

function ActivationForm({ clientId }: { clientId: string }) {
  const ids = useId();
  const activate = useActivateEinvoicing();
  const [certification, setCertification] = useState<Certification | null>(null);
  const [missing, setMissing] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!certification) {
      setMissing(true);
      return;
    }
    activate.mutate({ clientId, body: certificationBody(certification) });
  };
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{clientsText.activationHeading}</h3>
      <p className="field__help">{clientsText.activationHelp}</p>
      <form className="form" onSubmit={submit} noValidate>
        <CertificationCheckbox
          checked={certification !== null}
          onChange={(value) => {
            setMissing(false);
            setCertification(value);
          }}
        />
        {missing && (
          <p className="field__error" role="alert">
            {clientsText.certificationRequired}
          </p>
        )}
        {activate.error instanceof ApiProblem && <ProblemMessage problem={activate.error} />}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={activate.isPending}>
            {activate.isPending ? clientsText.activating : clientsText.activate}
          </button>
        </div>
      </form>
    </section>
  );
}

function DeregistrationCard({ client }: { client: ClientDetail }) {
  const deregister = useDeregisterEinvoicing();
  const [confirming, setConfirming] = useState(false);
  const close = () => {
    setConfirming(false);
    deregister.reset();
  };
  return (
    <section className="card" aria-labelledby="client-deregister">
      <h3 id="client-deregister">{clientsText.deregisterHeading}</h3>
      <p className="field__help">{clientsText.deregisterHelp}</p>
      <button type="button" className="button" onClick={() => setConfirming(true)}>
        {clientsText.deregister}
      </button>
      <ConfirmDialog
        open={confirming}
        title={clientsText.deregisterTitle}
        confirmLabel={clientsText.deregister}
        pending={deregister.isPending}
        onCancel={close}
        onConfirm={() => deregister.mutate({ clientId: client.id }, { onSuccess: close })}
      >
        <p>{clientsText.deregisterBody(client.legal_name)}</p>
        {deregister.error instanceof ApiProblem && <ProblemMessage problem={deregister.error} />}
      </ConfirmDialog>
    </section>
  );
}

function EinvoicingHistory({ clientId, paStatus }: { clientId: string; paStatus: string | undefined }) {
  const history = useEinvoicingHistory(clientId, paStatus);
  return (
    <section className="card" aria-labelledby="client-einvoicing-history">
      <h3 id="client-einvoicing-history">{clientsText.einvoicingHistoryHeading}</h3>
      {history.isPending && paStatus !== undefined && <p>{clientsText.loading}</p>}
      {history.error instanceof ApiProblem && <ProblemMessage problem={history.error} />}
      {history.data?.length === 0 && <p className="empty">{clientsText.einvoicingHistoryEmpty}</p>}
      {history.data && history.data.length > 0 && (
        <ol className="activity" aria-label={clientsText.einvoicingHistoryCaption}>
          {history.data.map((entry, index) => (
            <li key={`${entry.occurred_at}-${index}`} className="activity__item">
              <span className="activity__action">{clientsText.einvoicingEvents[entry.action] ?? entry.action}</span>
              <span className="activity__meta">
                <time dateTime={entry.occurred_at}>{formatDateTime(entry.occurred_at)}</time>
                {` · ${clientsText.historyBy} ${entry.actor_name ?? clientsText.actorSystem}`}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function HistoryTab({ client }: { client: ClientDetail }) {
  const history = useClientHistory(client.id);
  return (
    <section className="card" aria-labelledby="client-history">
      <h3 id="client-history">{clientsText.historyTabHeading}</h3>
      {history.isPending && <p>{clientsText.loading}</p>}
      {history.error instanceof ApiProblem && <ProblemMessage problem={history.error} />}
      {history.data?.length === 0 && <p className="empty">{clientsText.historyEmpty}</p>}
      {history.data && history.data.length > 0 && (
        <ol className="activity" aria-label={clientsText.historyTabCaption}>
          {history.data.map((event) => (
            <li key={event.id} className="activity__item">
              <span className="activity__action">{clientsText.events[event.action] ?? event.action}</span>
              <span className="activity__meta">
                <time dateTime={event.occurred_at}>{formatDateTime(event.occurred_at)}</time>
                {(event.actor.name ?? event.actor.email) &&
                  ` · ${clientsText.historyBy} ${event.actor.name ?? event.actor.email}`}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
