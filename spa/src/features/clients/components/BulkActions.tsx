import { useId, useState, type FormEvent, type ReactNode } from "react";
import type { components } from "@/api/schema";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { memberName, useAccountants } from "../api/list-accountants";
import { useBulkAssign, useBulkSetSubscription, type BulkItemResult } from "../api/bulk";
import { useInviteClients } from "../api/invite-clients";
import { clientsText } from "../text";
import { Modal } from "./Modal";
import { SubscriptionFields, emptySubscription, type SubscriptionDraft } from "./SubscriptionFields";

/** The selected clients: their ids, and the list's filters when every client of it was chosen. */
export interface ClientSelection {
  ids: readonly string[];
  filter: components["schemas"]["ClientSelection"] | null;
}

/** One client's result; `note` says what happened to a client that went through. */
export interface BulkOutcomeItem {
  id: string;
  ok: boolean;
  error?: string | null | undefined;
  detail?: string | null | undefined;
  note?: string | null | undefined;
}

export interface BulkOutcome {
  action: string;
  results: BulkOutcomeItem[];
  /** More to show under the results (a bulk activation's progress), given the clients' names. */
  details?: ((nameOf: (id: string) => string) => ReactNode) | undefined;
}

/**
 * A bulk action another feature adds to the list (the e-invoicing activation): `app/` composes
 * it, so the clients feature never imports the feature that draws it.
 */
export interface ClientsBulkAction {
  key: string;
  label: string;
  title: (count: number) => string;
  form: (props: {
    selection: ClientSelection;
    onCancel: () => void;
    onDone: (outcome: Omit<BulkOutcome, "action">) => void;
  }) => ReactNode;
}

type BuiltInAction = "assign" | "unassign" | "subscription" | "invite" | "remind";

/**
 * The bar above the list once clients are selected. Each action answers one result per client
 * (DESIGN.md: one bad item never fails the others), handed to `onDone` to show. The built-in
 * actions need `clients:manage`; the added ones say who sees them (app/ composes them).
 */
export function BulkActionBar({
  selection,
  canManage,
  canPickAccountants,
  extraActions,
  onClear,
  onDone,
  children,
}: {
  selection: ClientSelection;
  canManage: boolean;
  canPickAccountants: boolean;
  extraActions: readonly ClientsBulkAction[];
  onClear: () => void;
  onDone: (outcome: BulkOutcome) => void;
  /** Shown beside the count (« Sélectionner les N clients du filtre »). */
  children?: ReactNode;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const count = selection.ids.length;
  const builtIn: { action: BuiltInAction; label: string; shown: boolean }[] = [
    { action: "assign", label: clientsText.bulkAssign, shown: canManage && canPickAccountants },
    { action: "unassign", label: clientsText.bulkUnassign, shown: canManage && canPickAccountants },
    { action: "subscription", label: clientsText.bulkSubscription, shown: canManage },
    { action: "invite", label: clientsText.bulkInvite, shown: canManage },
    { action: "remind", label: clientsText.bulkRemind, shown: canManage },
  ];
  const buttons = [
    ...builtIn.filter((item) => item.shown).map(({ action, label }) => ({ key: action, label })),
    ...extraActions.map(({ key, label }) => ({ key, label })),
  ];
  const labelOf = (key: string) => buttons.find((item) => item.key === key)?.label ?? key;
  const finish = (key: string, outcome: Omit<BulkOutcome, "action">) => {
    setOpen(null);
    onDone({ action: labelOf(key), ...outcome });
  };
  const close = () => setOpen(null);
  const clientIds = selection.ids;

  return (
    <div className="bulk-bar" role="region" aria-label={clientsText.bulkBarLabel}>
      <p className="bulk-bar__count" aria-live="polite">
        {clientsText.selectedCount(count)}
      </p>
      {children}
      <div className="bulk-bar__actions">
        {buttons.map((item) => (
          <button key={item.key} type="button" className="button button--small" onClick={() => setOpen(item.key)}>
            {item.label}
          </button>
        ))}
        <button type="button" className="button button--small button--quiet" onClick={onClear}>
          {clientsText.clearSelection}
        </button>
      </div>

      <Modal
        open={open === "assign" || open === "unassign"}
        title={open === "unassign" ? clientsText.bulkUnassignTitle(count) : clientsText.bulkAssignTitle(count)}
        onClose={close}
      >
        <BulkAssignForm
          clientIds={clientIds}
          action={open === "unassign" ? "unassign" : "assign"}
          onCancel={close}
          onDone={(results) => finish(open ?? "assign", { results })}
        />
      </Modal>
      <Modal open={open === "subscription"} title={clientsText.bulkSubscriptionTitle(count)} onClose={close}>
        <BulkSubscriptionForm
          clientIds={clientIds}
          onCancel={close}
          onDone={(results) => finish("subscription", { results })}
        />
      </Modal>
      <Modal open={open === "invite"} title={clientsText.bulkInviteTitle(count)} onClose={close}>
        <BulkInviteForm
          clientIds={clientIds}
          body={clientsText.bulkInviteBody}
          submitLabel={clientsText.sendInvitations}
          onCancel={close}
          onDone={(results) => finish("invite", { results })}
        />
      </Modal>
      {/* The same operation: every sending issues a new link and the previous one dies. */}
      <Modal open={open === "remind"} title={clientsText.bulkRemindTitle(count)} onClose={close}>
        <BulkInviteForm
          clientIds={clientIds}
          body={clientsText.bulkRemindBody}
          submitLabel={clientsText.sendReminders}
          onCancel={close}
          onDone={(results) => finish("remind", { results })}
        />
      </Modal>
      {extraActions.map((action) => (
        <Modal key={action.key} open={open === action.key} title={action.title(count)} onClose={close}>
          {action.form({ selection, onCancel: close, onDone: (outcome) => finish(action.key, outcome) })}
        </Modal>
      ))}
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
    invite.mutate(clientIds, {
      onSuccess: ({ results }) =>
        onDone(results.map((result) => ({ ...result, note: result.outcome ? clientsText.bulkOutcomes[result.outcome] : null }))),
    });
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
  const notes = outcome.results.filter((result) => result.ok && result.note);
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
      {notes.length > 0 && (
        <ul aria-label={clientsText.bulkDetailsCaption} data-testid="bulk-details">
          {notes.map((result) => (
            <li key={result.id}>
              <strong>{nameOf(result.id)}</strong> : {result.note}
            </li>
          ))}
        </ul>
      )}
      {outcome.details?.(nameOf)}
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
