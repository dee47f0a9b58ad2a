import { useId, useState, type FormEvent } from "react";
import { DataTable } from "@/components/DataTable";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { useConfirmedMutation } from "@/components/use-confirmed-mutation";
import { formatDate } from "@/lib/format";
import { useCan } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import { useAssign, useUnassign } from "../../api/assignments";
import type { ClientDetail } from "../../api/get-client";
import { memberName, useAccountants } from "../../api/list-accountants";
import { clientsText } from "../../text";

/** « Collaborateurs »: the Comptables assigned to the client, and assigning one. */
export function CollaboratorsTab({ client }: { client: ClientDetail }) {
  const can = useCan();
  const canManage = can("clients:manage");
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
          <DataTable
            caption={clientsText.assigneesCaption}
            columns={[
              clientsText.contactLastName,
              clientsText.contactEmail,
              clientsText.assignedAt,
              ...(canManage ? [{ label: clientsText.unassign, kind: "actions" as const }] : []),
            ]}
          >
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
          </DataTable>
        )}
      </section>
      {canManage && can("members:read") && <AssignForm client={client} />}
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
