import { useId, useState, type FormEvent } from "react";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { memberName, useAccountants } from "../api/list-accountants";
import { useBulkAssign, useBulkSetSubscription, type BulkItemResult } from "../api/bulk";
import { useBulkActivate } from "../api/bulk-activate";
import { useBulkActivationJob } from "../api/get-bulk-activation";
import { certificationBody, type Certification } from "../api/get-certification";
import { useInviteClients } from "../api/invite-clients";
import { CertificationCheckbox } from "./Certification";
import { clientsText } from "../text";
import { Modal } from "./Modal";
import { SubscriptionFields, emptySubscription, type SubscriptionDraft } from "./SubscriptionFields";

type BulkAction = "assign" | "unassign" | "subscription" | "invite" | "remind" | "einvoicing";

/** One client's result; invitations and activations also say what happened (`outcome`). */
export type BulkOutcomeItem = BulkItemResult & { outcome?: string | null };

export interface BulkOutcome {
  action: string;
  results: BulkOutcomeItem[];
  /** A bulk e-invoicing activation: the job whose progress is polled. */
  jobId?: string | undefined;
}

/**
 * The bar above the list once clients are selected. Each action answers one result per client
 * (DESIGN.md: one bad item never fails the others), handed to `onDone` to show. The e-invoicing
 * activation needs `einvoicing:manage` and the ticked certification; the rest `clients:manage`.
 */
export function BulkActionBar({
  selectedIds,
  canManage,
  canPickAccountants,
  canManageEinvoicing,
  onClear,
  onDone,
}: {
  selectedIds: readonly string[];
  canManage: boolean;
  canPickAccountants: boolean;
  canManageEinvoicing: boolean;
  onClear: () => void;
  onDone: (outcome: BulkOutcome) => void;
}) {
  const [open, setOpen] = useState<BulkAction | null>(null);
  const count = selectedIds.length;
  const actions: { action: BulkAction; label: string; shown: boolean }[] = [
    { action: "assign", label: clientsText.bulkAssign, shown: canManage && canPickAccountants },
    { action: "unassign", label: clientsText.bulkUnassign, shown: canManage && canPickAccountants },
    { action: "subscription", label: clientsText.bulkSubscription, shown: canManage },
    { action: "invite", label: clientsText.bulkInvite, shown: canManage },
    { action: "remind", label: clientsText.bulkRemind, shown: canManage },
    { action: "einvoicing", label: clientsText.bulkEinvoicing, shown: canManageEinvoicing },
  ];
  const finish = (action: BulkAction, results: BulkOutcomeItem[], jobId?: string) => {
    setOpen(null);
    onDone({ action: actions.find((item) => item.action === action)?.label ?? action, results, jobId });
  };

  return (
    <div className="bulk-bar" role="region" aria-label={clientsText.bulkBarLabel}>
      <p className="bulk-bar__count" aria-live="polite">
        {clientsText.selectedCount(count)}
      </p>
      {actions
        .filter((item) => item.shown)
        .map((item) => (
          <button key={item.action} type="button" className="button button--small" onClick={() => setOpen(item.action)}>
            {item.label}
          </button>
        ))}
      <button type="button" className="button button--small button--quiet" onClick={onClear}>
        {clientsText.clearSelection}
      </button>

      <Modal
        open={open === "assign" || open === "unassign"}
        title={open === "unassign" ? clientsText.bulkUnassignTitle(count) : clientsText.bulkAssignTitle(count)}
        onClose={() => setOpen(null)}
      >
        <BulkAssignForm
          clientIds={selectedIds}
          action={open === "unassign" ? "unassign" : "assign"}
          onCancel={() => setOpen(null)}
          onDone={(results) => finish(open ?? "assign", results)}
        />
      </Modal>
      <Modal open={open === "subscription"} title={clientsText.bulkSubscriptionTitle(count)} onClose={() => setOpen(null)}>
        <BulkSubscriptionForm
          clientIds={selectedIds}
          onCancel={() => setOpen(null)}
          onDone={(results) => finish("subscription", results)}
        />
      </Modal>
      <Modal open={open === "invite"} title={clientsText.bulkInviteTitle(count)} onClose={() => setOpen(null)}>
        <BulkInviteForm
          clientIds={selectedIds}
          body={clientsText.bulkInviteBody}
          submitLabel={clientsText.sendInvitations}
          onCancel={() => setOpen(null)}
          onDone={(results) => finish("invite", results)}
        />
      </Modal>
      {/* The same operation: every sending issues a new link and the previous one dies. */}
      <Modal open={open === "remind"} title={clientsText.bulkRemindTitle(count)} onClose={() => setOpen(null)}>
        <BulkInviteForm
          clientIds={selectedIds}
          body={clientsText.bulkRemindBody}
          submitLabel={clientsText.sendReminders}
          onCancel={() => setOpen(null)}
          onDone={(results) => finish("remind", results)}
        />
      </Modal>
      <Modal open={open === "einvoicing"} title={clientsText.bulkEinvoicingTitle(count)} onClose={() => setOpen(null)}>
        <BulkEinvoicingForm
          clientIds={selectedIds}
          onCancel={() => setOpen(null)}
          onDone={(results, jobId) => finish("einvoicing", results, jobId)}
        />
      </Modal>
    </div>
  );
}

function BulkAssignForm({
  clientIds,
  action,
  onCancel,
  onDone,
}: {
  clientIds: readonly string[];
  action: "assign" | "unassign";
  onCancel: () => void;
  onDone: (results: BulkItemResult[]) => void;
}) {
  const ids = useId();
  const accountants = useAccountants(true);
  const bulk = useBulkAssign();
  const [userIds, setUserIds] = useState<string[]>([]);
  const [missing, setMissing] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (userIds.length === 0) {
      setMissing(true);
      return;
    }
    bulk.mutate(
      { client_ids: [...clientIds], user_ids: userIds, action },
      { onSuccess: ({ results }) => onDone(results) },
    );
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      {accountants.isPending && <p>{clientsText.loading}</p>}
      {accountants.error instanceof ApiProblem && <ProblemMessage problem={accountants.error} />}
      {accountants.data?.length === 0 && <p className="empty">{clientsText.noAccountants}</p>}
      {accountants.data && accountants.data.length > 0 && (
        <fieldset className="form__group" aria-describedby={missing ? `${ids}-missing` : undefined}>
          <legend>{clientsText.accountantsLegend}</legend>
          <ul className="checklist">
            {accountants.data.map((member) => (
              <li key={member.user_id}>
                <label>
                  <input
                    type="checkbox"
                    checked={userIds.includes(member.user_id)}
                    onChange={(event) => {
                      setMissing(false);
                      setUserIds(
                        event.target.checked
                          ? [...userIds, member.user_id]
                          : userIds.filter((id) => id !== member.user_id),
                      );
                    }}
                  />{" "}
                  {memberName(member)} <span className="muted">{member.email}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {missing && (
        <p id={`${ids}-missing`} className="field__error" role="alert">
          {clientsText.chooseAtLeastOne}
        </p>
      )}
      {bulk.error instanceof ApiProblem && <ProblemMessage problem={bulk.error} />}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel}>
          {clientsText.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={bulk.isPending}>
          {clientsText.apply}
        </button>
      </div>
    </form>
  );
}

function BulkSubscriptionForm({
  clientIds,
  onCancel,
  onDone,
}: {
  clientIds: readonly string[];
  onCancel: () => void;
  onDone: (results: BulkItemResult[]) => void;
}) {
  const [draft, setDraft] = useState<SubscriptionDraft>(emptySubscription);
  const bulk = useBulkSetSubscription();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    bulk.mutate({ client_ids: [...clientIds], ...draft }, { onSuccess: ({ results }) => onDone(results) });
  };
  const problem = bulk.error instanceof ApiProblem ? bulk.error : null;

  return (
    <form className="form" onSubmit={submit}>
      <SubscriptionFields draft={draft} onChange={setDraft} problem={problem} />
      {problem && <ProblemMessage problem={problem} />}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel}>
          {clientsText.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={bulk.isPending || !draft.plan_code}>
          {clientsText.apply}
        </button>
      </div>
    </form>
  );
}

function BulkInviteForm({
  clientIds,
  body,
  submitLabel,
  onCancel,
  onDone,
}: {
  clientIds: readonly string[];
  body: string;
  submitLabel: string;
  onCancel: () => void;
  onDone: (results: BulkOutcomeItem[]) => void;
}) {
  const invite = useInviteClients();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate(clientIds, { onSuccess: ({ results }) => onDone(results) });
  };
  return (
    <form className="form" onSubmit={submit}>
      <p>{body}</p>
      {invite.error instanceof ApiProblem && <ProblemMessage problem={invite.error} />}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel}>
          {clientsText.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={invite.isPending}>
          {invite.isPending ? clientsText.sending : submitLabel}
        </button>
      </div>
    </form>
  );
}

function BulkEinvoicingForm({
  clientIds,
  onCancel,
  onDone,
}: {
  clientIds: readonly string[];
  onCancel: () => void;
  onDone: (results: BulkOutcomeItem[], jobId: string) => void;
}) {
  const ids = useId();
  const activate = useBulkActivate();
  const [certification, setCertification] = useState<Certification | null>(null);
  const [missing, setMissing] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!certification) {
      setMissing(true);
      return;
    }
    activate.mutate(
      { client_ids: [...clientIds], ...certificationBody(certification) },
      { onSuccess: ({ job, results }) => onDone(results, job.id) },
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <p>{clientsText.bulkEinvoicingBody}</p>
      <CertificationCheckbox
        checked={certification !== null}
        onChange={(value) => {
          setMissing(false);
          setCertification(value);
        }}
      />
      {missing && (
        <p id={`${ids}-missing`} className="field__error" role="alert">
          {clientsText.certificationRequired}
        </p>
      )}
      {activate.error instanceof ApiProblem && <ProblemMessage problem={activate.error} />}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel}>
          {clientsText.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={activate.isPending}>
          {activate.isPending ? clientsText.activating : clientsText.activate}
        </button>
      </div>
    </form>
  );
}

/** A bulk activation's job, polled until no registration is pending. */
function BulkActivationProgress({ jobId, nameOf }: { jobId: string; nameOf: (id: string) => string }) {
  const job = useBulkActivationJob(jobId);
  if (job.error instanceof ApiProblem) return <ProblemMessage problem={job.error} />;
  if (!job.data) return <p>{clientsText.loading}</p>;
  const { progress, done, errors } = job.data;
  const total = progress.pending + progress.registered + progress.error + progress.deregistered;
  const processed = total - progress.pending;
  const refused = Object.values(job.data.refused).reduce((sum, value) => sum + value, 0);
  return (
    <div className="bulk-job" data-testid="bulk-job" data-done={done ? "true" : "false"}>
      <h3>{clientsText.jobHeading}</h3>
      <progress max={Math.max(total, 1)} value={total === 0 ? 1 : processed} aria-label={clientsText.jobProgressLabel} />
      <p aria-live="polite" data-testid="bulk-job-status">
        {clientsText.jobCounts(processed, total)} — {done ? clientsText.jobDone : clientsText.jobRunning}
      </p>
      <dl className="facts">
        <dt>{clientsText.jobPending}</dt>
        <dd className="numeric">{progress.pending}</dd>
        <dt>{clientsText.jobRegistered}</dt>
        <dd className="numeric">{progress.registered}</dd>
        <dt>{clientsText.jobErrors}</dt>
        <dd className="numeric">{progress.error}</dd>
        {refused > 0 && (
          <>
            <dt>{clientsText.jobRefused}</dt>
            <dd className="numeric">{refused}</dd>
          </>
        )}
      </dl>
      {errors.length > 0 && (
        <ul aria-label={clientsText.jobErrorsCaption}>
          {errors.map((error) => (
            <li key={error.client_id}>
              <strong>{nameOf(error.client_id)}</strong> : {error.error_detail ?? error.error_code}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What a bulk action did, client by client: the failures by name, with the API's reason. */
export function BulkResults({
  outcome,
  nameOf,
  onDismiss,
}: {
  outcome: BulkOutcome;
  nameOf: (id: string) => string;
  onDismiss: () => void;
}) {
  const failures = outcome.results.filter((result) => !result.ok);
  const succeeded = outcome.results.length - failures.length;
  return (
    <section
      className={failures.length > 0 ? "notice notice--warning" : "notice notice--success"}
      role="status"
      aria-labelledby="bulk-result-title"
    >
      <div className="notice__header">
        <h2 id="bulk-result-title">
          {clientsText.bulkResultTitle} : {outcome.action}
        </h2>
        <button type="button" className="button button--small" onClick={onDismiss}>
          {clientsText.close}
        </button>
      </div>
      <p data-testid="bulk-summary">{clientsText.bulkResultSummary(succeeded, failures.length)}</p>
      {outcome.results.some((result) => result.outcome) && (
        <ul aria-label={clientsText.bulkDetailsCaption} data-testid="bulk-details">
          {outcome.results
            .filter((result) => result.ok)
            .map((result) => (
              <li key={result.id}>
                <strong>{nameOf(result.id)}</strong> : {clientsText.bulkOutcomes[result.outcome ?? ""] ?? result.outcome}
              </li>
            ))}
        </ul>
      )}
      {outcome.jobId && <BulkActivationProgress jobId={outcome.jobId} nameOf={nameOf} />}
      {failures.length === 0 ? (
        <p>{clientsText.bulkAllOk}</p>
      ) : (
        <>
          <ul aria-label={clientsText.bulkFailuresCaption}>
            {failures.map((failure) => (
              <li key={failure.id}>
                <strong>{nameOf(failure.id)}</strong> : {failure.detail ?? failure.error}
              </li>
            ))}
          </ul>
          <p className="muted">{clientsText.bulkFailedKeptSelected}</p>
        </>
      )}
    </section>
  );
}
