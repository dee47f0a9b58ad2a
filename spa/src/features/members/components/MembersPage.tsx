import { useId, useState } from "react";
import { DataTable } from "@/components/DataTable";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { LoadMore } from "@/components/LoadMore";
import { ProblemMessage } from "@/components/ProblemMessage";
import { StatusIndicator, type Status } from "@/components/StatusIndicator";
import { formatDate, formatDateTime } from "@/lib/format";
import { useCan } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { useDeactivateMember } from "../api/deactivate-member";
import { useMyself } from "../api/get-my-roles";
import { useMembers, type FirmRole, type Member, type MemberFilters, type MemberStatus } from "../api/list-members";
import { useReactivateMember } from "../api/reactivate-member";
import { useRemoveMember } from "../api/remove-member";
import { useResendInvitation } from "../api/resend-invitation";
import { useRevokeInvitation } from "../api/revoke-invitation";
import { membersText as text } from "../text";
import { InviteDialog } from "./InviteDialog";
import { fullName } from "./member-name";
import { FIRM_ROLES } from "./RoleCheckboxes";
import { RolesDialog } from "./RolesDialog";

// The most powerful role first, as the checkboxes list them.
const byRoleRank = (a: string, b: string) =>
  FIRM_ROLES.indexOf(a as FirmRole) - FIRM_ROLES.indexOf(b as FirmRole);

const STATUS_INDICATOR: Record<MemberStatus, Status> = {
  active: "up",
  invited: "pending",
  deactivated: "down",
};

type Confirmation = "deactivate" | "reactivate" | "remove" | "resend" | "revoke";

/** « Utilisateurs »: everyone with members:read sees the list; members:manage acts on it. */
export function MembersPage() {
  const can = useCan();
  const manage = can("members:manage");
  const myself = useMyself();
  const iAmOwner = myself.data?.roles.includes("owner") ?? false;

  const [search, setSearch] = useState("");
  const [role, setRole] = useState<MemberFilters["role"]>("");
  const [status, setStatus] = useState<MemberFilters["status"]>("");
  const filters: MemberFilters = { search: useDebouncedValue(search), role, status };
  const members = useMembers(filters);
  const rows = members.data?.pages.flatMap((page) => page.items) ?? [];

  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<Member | null>(null);
  const [confirming, setConfirming] = useState<{ action: Confirmation; member: Member } | null>(null);
  const [notice, setNotice] = useState("");

  // What a manager may do to this row: never to themselves, never to the owner unless owner.
  const actionsFor = (member: Member): boolean =>
    manage && member.user_id !== myself.data?.userId && (!member.roles.includes("owner") || iAmOwner);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>{text.pageTitle}</h1>
          <p className="lead">{text.intro}</p>
        </div>
        {manage && (
          <button type="button" className="button button--primary" onClick={() => setInviting(true)}>
            {text.invite}
          </button>
        )}
      </div>
      {!manage && <p className="notice">{text.readOnly}</p>}
      {/* Always in the page, so screen readers announce what it says next. */}
      <p className={notice ? "notice notice--success" : "visually-hidden"} role="status">
        {notice}
      </p>

      <Filters search={search} onSearch={setSearch} role={role} onRole={setRole} status={status} onStatus={setStatus} />

      <section className="card card--flush" aria-label={text.caption}>
        {members.isPending && <p className="card__message">{text.loading}</p>}
        {members.error instanceof ApiProblem && <ProblemMessage problem={members.error} />}
        {members.isSuccess && rows.length === 0 && <p className="card__message empty">{text.empty}</p>}
        {rows.length > 0 && (
          <DataTable
            caption={text.caption}
            data-testid="members-table"
            columns={[
              text.name,
              text.roles,
              text.status,
              text.addedOn,
              ...(manage ? [{ label: text.actions, kind: "actions" as const }] : []),
            ]}
          >
            {rows.map((member) => (
              <MemberRow
                key={member.id}
                member={member}
                isMe={member.user_id === myself.data?.userId}
                showActionsColumn={manage}
                actionable={actionsFor(member)}
                onEditRoles={() => setEditing(member)}
                onConfirm={(action) => setConfirming({ action, member })}
              />
            ))}
          </DataTable>
        )}
        {members.isSuccess && (
          <LoadMore
            shown={rows.length}
            hasMore={members.hasNextPage}
            loading={members.isFetchingNextPage}
            onLoadMore={() => void members.fetchNextPage()}
          />
        )}
      </section>

      {manage && (
        <>
          <InviteDialog
            open={inviting}
            offerOwner={iAmOwner}
            onClose={() => setInviting(false)}
            onInvited={(member) => {
              setInviting(false);
              setNotice(text.notices.invited(fullName(member), member.email));
            }}
          />
          <RolesDialog
            member={editing}
            offerOwner={iAmOwner}
            onClose={() => setEditing(null)}
            onSaved={(member) => {
              setEditing(null);
              setNotice(text.notices.rolesChanged(fullName(member)));
            }}
          />
          <MemberConfirmation
            confirming={confirming}
            onClose={() => setConfirming(null)}
            onDone={(message) => {
              setConfirming(null);
              setNotice(message);
            }}
          />
        </>
      )}
    </>
  );
}

function Filters({
  search,
  onSearch,
  role,
  onRole,
  status,
  onStatus,
}: {
  search: string;
  onSearch: (value: string) => void;
  role: MemberFilters["role"];
  onRole: (value: MemberFilters["role"]) => void;
  status: MemberFilters["status"];
  onStatus: (value: MemberFilters["status"]) => void;
}) {
  const id = useId();
  return (
    <search className="filters" aria-label={text.filtersLabel}>
      <div className="field field--grow">
        <label className="field__label" htmlFor={`${id}-search`}>
          {text.search}
        </label>
        <input
          id={`${id}-search`}
          className="field__input"
          type="search"
          value={search}
          placeholder={text.searchPlaceholder}
          onChange={(event) => onSearch(event.target.value)}
        />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-role`}>
          {text.role}
        </label>
        <select
          id={`${id}-role`}
          className="field__input"
          value={role}
          onChange={(event) => onRole(event.target.value as MemberFilters["role"])}
        >
          <option value="">{text.allRoles}</option>
          {FIRM_ROLES.map((value) => (
            <option key={value} value={value}>
              {text.roleNames[value]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-status`}>
          {text.status}
        </label>
        <select
          id={`${id}-status`}
          className="field__input"
          value={status}
          onChange={(event) => onStatus(event.target.value as MemberFilters["status"])}
        >
          <option value="">{text.allStatuses}</option>
          {(Object.keys(text.statuses) as MemberStatus[]).map((value) => (
            <option key={value} value={value}>
              {text.statuses[value]}
            </option>
          ))}
        </select>
      </div>
    </search>
  );
}

function MemberRow({
  member,
  isMe,
  showActionsColumn,
  actionable,
  onEditRoles,
  onConfirm,
}: {
  member: Member;
  isMe: boolean;
  showActionsColumn: boolean;
  actionable: boolean;
  onEditRoles: () => void;
  onConfirm: (action: Confirmation) => void;
}) {
  const name = fullName(member);
  const button = (label: string, onClick: () => void, danger = false) => (
    <button
      type="button"
      className={danger ? "button button--small button--danger" : "button button--small"}
      aria-label={`${label} — ${name}`}
      onClick={onClick}
    >
      {label}
    </button>
  );

  return (
    <tr data-testid="member-row">
      <td>
        <span className="emphasis">{name}</span>
        {isMe && <span className="badge badge--quiet">{text.you}</span>}
        <br />
        <span className="muted">{member.email}</span>
      </td>
      <td>
        <ul className="badges" aria-label={`${text.roles} — ${name}`}>
          {[...member.roles].sort(byRoleRank).map((role) => (
            <li key={role} className="badge">
              {text.roleNames[role] ?? role}
            </li>
          ))}
        </ul>
      </td>
      <td>
        <StatusIndicator status={STATUS_INDICATOR[member.status]} label={text.statuses[member.status]} />
        {member.status === "invited" && (
          <span className="muted cell__note">
            {member.invitation === null
              ? text.noInvitation
              : member.invitation.expired
                ? text.invitationExpired
                : text.invitationUntil(formatDateTime(member.invitation.expires_at))}
          </span>
        )}
      </td>
      <td>{formatDate(member.created_at)}</td>
      {showActionsColumn && (
        <td>
          {actionable && (
            <div className="row-actions">
              {member.status !== "deactivated" && button(text.editRoles, onEditRoles)}
              {member.status === "invited" && button(text.resend, () => onConfirm("resend"))}
              {member.status === "invited" &&
                member.invitation !== null &&
                button(text.revoke, () => onConfirm("revoke"), true)}
              {member.status === "active" && button(text.deactivate, () => onConfirm("deactivate"), true)}
              {member.status === "deactivated" && button(text.reactivate, () => onConfirm("reactivate"))}
              {(member.status === "deactivated" || (member.status === "invited" && member.invitation === null)) &&
                button(text.remove, () => onConfirm("remove"), true)}
            </div>
          )}
        </td>
      )}
    </tr>
  );
}

/** One confirmation dialog for the five row actions; the API's refusal stays in it. */
function MemberConfirmation({
  confirming,
  onClose,
  onDone,
}: {
  confirming: { action: Confirmation; member: Member } | null;
  onClose: () => void;
  onDone: (notice: string) => void;
}) {
  const mutations = {
    deactivate: useDeactivateMember(),
    reactivate: useReactivateMember(),
    remove: useRemoveMember(),
    resend: useResendInvitation(),
    revoke: useRevokeInvitation(),
  };
  const action = confirming?.action ?? "deactivate";
  const mutation = mutations[action];
  const member = confirming?.member;
  const name = member ? fullName(member) : "";
  const dialogs: Record<
    Confirmation,
    { title: string; body: string; confirm: string; tone: "danger" | "primary"; done: string }
  > = {
    deactivate: {
      title: text.deactivateTitle,
      body: text.deactivateBody(name),
      confirm: text.deactivate,
      tone: "danger",
      done: text.notices.deactivated(name),
    },
    reactivate: {
      title: text.reactivateTitle,
      body: text.reactivateBody(name),
      confirm: text.reactivate,
      tone: "primary",
      done: text.notices.reactivated(name),
    },
    remove: {
      title: text.removeTitle,
      body: text.removeBody(name),
      confirm: text.remove,
      tone: "danger",
      done: text.notices.removed(name),
    },
    resend: {
      title: text.resendTitle,
      body: text.resendBody(name, member?.email ?? ""),
      confirm: text.resend,
      tone: "primary",
      done: text.notices.resent(name),
    },
    revoke: {
      title: text.revokeTitle,
      body: text.revokeBody(name),
      confirm: text.revoke,
      tone: "danger",
      done: text.notices.revoked(name),
    },
  };
  const dialog = dialogs[action];
  const close = () => {
    for (const each of Object.values(mutations)) each.reset();
    onClose();
  };

  return (
    <ConfirmDialog
      open={confirming !== null}
      title={dialog.title}
      confirmLabel={dialog.confirm}
      tone={dialog.tone}
      pending={mutation.isPending}
      onCancel={close}
      onConfirm={() => {
        if (!member) return;
        mutation.mutate(member.id, {
          onSuccess: () => {
            mutation.reset();
            onDone(dialog.done);
          },
        });
      }}
    >
      <p>{dialog.body}</p>
      {mutation.error instanceof ApiProblem && <ProblemMessage problem={mutation.error} />}
    </ConfirmDialog>
  );
}
