import { useId, useState, type FormEvent } from "react";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { memberName, useAccountants } from "../api/list-accountants";
import { useBulkAssign, useBulkSetSubscription, type BulkItemResult } from "../api/bulk";
import { clientsText } from "../text";
import { Modal } from "./Modal";
import { SubscriptionFields, emptySubscription, type SubscriptionDraft } from "./SubscriptionFields";

type BulkAction = "assign" | "unassign" | "subscription";

export interface BulkOutcome {
  action: string;
  results: BulkItemResult[];
}

/**
 * The bar above the list once clients are selected. Each action answers one result per client
 * (DESIGN.md: one bad item never fails the others), handed to `onDone` to show.
 *
 * TODO(lead): « Inviter » and « Activer la facturation électronique » join `actions` below when
 * their bulk routes are in openapi/openapi.json (client invitations, e-invoicing activation).
 */
export function BulkActionBar({
  selectedIds,
  canManage,
  canPickAccountants,
  onClear,
  onDone,
}: {
  selectedIds: readonly string[];
  canManage: boolean;
  canPickAccountants: boolean;
  onClear: () => void;
  onDone: (outcome: BulkOutcome) => void;
}) {
  const [open, setOpen] = useState<BulkAction | null>(null);
  const count = selectedIds.length;
  const actions: { action: BulkAction; label: string; shown: boolean }[] = [
    { action: "assign", label: clientsText.bulkAssign, shown: canManage && canPickAccountants },
    { action: "unassign", label: clientsText.bulkUnassign, shown: canManage && canPickAccountants },
    { action: "subscription", label: clientsText.bulkSubscription, shown: canManage },
  ];
  const finish = (action: BulkAction, results: BulkItemResult[]) => {
    setOpen(null);
    onDone({ action: actions.find((item) => item.action === action)?.label ?? action, results });
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
