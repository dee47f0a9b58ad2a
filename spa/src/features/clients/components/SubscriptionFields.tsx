import { DateField } from "@/components/DateField";
import { useId } from "react";
import { formatAmount } from "@/lib/format";
import type { ApiProblem } from "@/lib/problem";
import { usePlans } from "../api/list-plans";
import type { SubscriptionIn } from "../api/subscription";
import { clientsText } from "../text";

export type SubscriptionDraft = SubscriptionIn;

const STATUSES: SubscriptionIn["status"][] = ["trial", "active", "suspended", "cancelled"];

function today(): string {
  // The firm's calendar day (Paris), as the API's `date` expects it.
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());
}

export const emptySubscription = (): SubscriptionDraft => ({
  plan_code: "",
  payer: "firm",
  status: "active",
  start_date: today(),
});

/** Plan, payer, status and start date: the same fields for one client and for many. */
export function SubscriptionFields({
  draft,
  onChange,
  problem,
}: {
  draft: SubscriptionDraft;
  onChange: (draft: SubscriptionDraft) => void;
  problem: ApiProblem | null;
}) {
  const ids = useId();
  const plans = usePlans();
  const planError = problem?.fieldError("/body/plan_code");
  return (
    <>
      <div className="field">
        <label htmlFor={`${ids}-plan`}>{clientsText.plan}</label>
        <select
          id={`${ids}-plan`}
          required
          value={draft.plan_code}
          aria-invalid={planError ? true : undefined}
          onChange={(event) => onChange({ ...draft, plan_code: event.target.value })}
        >
          <option value="" disabled>
            {plans.isPending ? clientsText.loading : "—"}
          </option>
          {plans.data?.map((plan) => (
            <option key={plan.code} value={plan.code}>
              {plan.name} ({clientsText.monthlyPrice(formatAmount(plan.monthly_price))})
            </option>
          ))}
        </select>
        {planError && <p className="field__error">{planError}</p>}
      </div>
      <fieldset className="form__group">
        <legend>{clientsText.payerLabel}</legend>
        <div className="form__row">
          {(["firm", "client"] as const).map((payer) => (
            <label key={payer} className="choice">
              <input
                type="radio"
                name={`${ids}-payer`}
                value={payer}
                checked={draft.payer === payer}
                onChange={() => onChange({ ...draft, payer })}
              />{" "}
              {clientsText.payer[payer]}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form__row">
        <div className="field">
          <label htmlFor={`${ids}-status`}>{clientsText.subscriptionStatusLabel}</label>
          <select
            id={`${ids}-status`}
            value={draft.status}
            onChange={(event) => onChange({ ...draft, status: event.target.value as SubscriptionIn["status"] })}
          >
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {clientsText.subscriptionStatus[status ?? "active"]}
              </option>
            ))}
          </select>
        </div>
        <DateField
          label={clientsText.startDate}
          value={draft.start_date || undefined}
          onChange={(day) => onChange({ ...draft, start_date: day ?? "" })}
        />
      </div>
    </>
  );
}
