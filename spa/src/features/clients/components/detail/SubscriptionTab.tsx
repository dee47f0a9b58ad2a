import { useState } from "react";
import { DataTable } from "@/components/DataTable";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatAmount, formatDate, formatDateTime, formatLongDate } from "@/lib/format";
import { useCan } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import type { ClientDetail } from "../../api/get-client";
import { usePlans } from "../../api/list-plans";
import { useSetSubscription, useSubscription } from "../../api/subscription";
import { clientsText } from "../../text";
import { emptySubscription, SubscriptionFields, type SubscriptionDraft } from "../SubscriptionFields";

/** « Abonnement »: the current plan, changing it, and its history. */
export function SubscriptionTab({ client }: { client: ClientDetail }) {
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
      {can("clients:manage") && subscription.data && (
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
