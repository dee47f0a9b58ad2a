import { ActivityList } from "@/components/ActivityList";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { DataTable } from "@/components/DataTable";
import { ProblemMessage } from "@/components/ProblemMessage";
import { useConfirmedMutation } from "@/components/use-confirmed-mutation";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { describeUserAgent, devicePlatformLabel } from "@/lib/user-agent";
import { useActivity } from "../api/get-activity";
import { useMe } from "../api/get-me";
import { useDevices, type AccountDevice } from "../api/list-devices";
import { useSessions, type AccountSession } from "../api/list-sessions";
import { useRevokeDevice } from "../api/revoke-device";
import { useRevokeSession } from "../api/revoke-session";
import { accountText } from "../text";

/** « Mon compte »: identity, sessions and devices (each revocable after a confirmation), activity. */
export function AccountPage() {
  return (
    <>
      <h1>{accountText.pageTitle}</h1>
      <p className="lead">{accountText.intro}</p>
      <div className="stack">
        <Identity />
        <Sessions />
        <Devices />
        <Activity />
      </div>
    </>
  );
}

function Identity() {
  const me = useMe();
  if (!me.data) return null;
  const { user, workspace } = me.data;
  return (
    <section className="card" aria-labelledby="account-identity">
      <h2 id="account-identity">{accountText.identityHeading}</h2>
      <dl className="facts">
        <dt>{accountText.name}</dt>
        <dd>
          {user.first_name} {user.last_name}
        </dd>
        <dt>{accountText.email}</dt>
        <dd>{user.email}</dd>
        <dt>{accountText.workspace}</dt>
        <dd>{workspace?.name ?? accountText.noWorkspace}</dd>
        {workspace && (
          <>
            <dt>{accountText.roles}</dt>
            <dd>{workspace.roles.map((role) => accountText.roleNames[role] ?? role).join(", ")}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function Sessions() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const revocation = useConfirmedMutation(revoke, (session: AccountSession) => session.id);

  return (
    <section className="card" aria-labelledby="account-sessions">
      <h2 id="account-sessions">{accountText.sessionsHeading}</h2>
      {sessions.isPending && <p>{accountText.loading}</p>}
      {sessions.error instanceof ApiProblem && <ProblemMessage problem={sessions.error} />}
      {sessions.data && (
        <DataTable
          caption={accountText.sessionsCaption}
          columns={[
            accountText.sessionDevice,
            accountText.sessionKind,
            accountText.sessionIp,
            accountText.sessionCreated,
            accountText.sessionLastUsed,
            { label: accountText.actions, kind: "actions" },
          ]}
        >
          {sessions.data.map((session) => (
            <tr key={session.id}>
              <td>{describeUserAgent(session.user_agent)}</td>
              <td>{accountText.sessionKinds[session.kind] ?? session.kind}</td>
              <td>{session.ip ?? "—"}</td>
              <td>{formatDateTime(session.created_at)}</td>
              <td>{formatDateTime(session.last_used_at)}</td>
              <td>
                {session.current ? (
                  <span className="badge">{accountText.currentSession}</span>
                ) : (
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={accountText.revokeSessionLabel(describeUserAgent(session.user_agent))}
                    onClick={() => revocation.ask(session)}
                  >
                    {accountText.revokeSession}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <ConfirmDialog
        open={revocation.target !== null}
        title={accountText.revokeSessionTitle}
        confirmLabel={accountText.revokeSession}
        pending={revoke.isPending}
        onCancel={revocation.close}
        onConfirm={revocation.confirm}
      >
        <p>{accountText.revokeSessionBody(describeUserAgent(revocation.target?.user_agent))}</p>
        {revoke.error instanceof ApiProblem && <ProblemMessage problem={revoke.error} />}
      </ConfirmDialog>
    </section>
  );
}

function Devices() {
  const devices = useDevices();
  const revoke = useRevokeDevice();
  const revocation = useConfirmedMutation(revoke, (device: AccountDevice) => device.id);

  return (
    <section className="card" aria-labelledby="account-devices">
      <h2 id="account-devices">{accountText.devicesHeading}</h2>
      {devices.isPending && <p>{accountText.loading}</p>}
      {devices.error instanceof ApiProblem && <ProblemMessage problem={devices.error} />}
      {devices.data?.length === 0 && <p className="empty">{accountText.noDevices}</p>}
      {devices.data && devices.data.length > 0 && (
        <DataTable
          caption={accountText.devicesCaption}
          columns={[
            accountText.deviceName,
            accountText.devicePlatform,
            accountText.deviceCreated,
            accountText.deviceLastUsed,
            { label: accountText.actions, kind: "actions" },
          ]}
        >
          {devices.data.map((device) => (
            <tr key={device.id}>
              <td>{device.name}</td>
              <td>{devicePlatformLabel(device.platform)}</td>
              <td>{formatDateTime(device.created_at)}</td>
              <td>{device.last_used_at ? formatDateTime(device.last_used_at) : accountText.never}</td>
              <td>
                <button
                  type="button"
                  className="button button--small"
                  aria-label={accountText.revokeDeviceLabel(device.name)}
                  onClick={() => revocation.ask(device)}
                >
                  {accountText.revokeDevice}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <ConfirmDialog
        open={revocation.target !== null}
        title={accountText.revokeDeviceTitle}
        confirmLabel={accountText.revokeDevice}
        pending={revoke.isPending}
        onCancel={revocation.close}
        onConfirm={revocation.confirm}
      >
        <p>{accountText.revokeDeviceBody(revocation.target?.name ?? "")}</p>
        {revoke.error instanceof ApiProblem && <ProblemMessage problem={revoke.error} />}
      </ConfirmDialog>
    </section>
  );
}

function Activity() {
  const activity = useActivity();
  return (
    <section className="card" aria-labelledby="account-activity">
      <h2 id="account-activity">{accountText.activityHeading}</h2>
      {activity.isPending && <p>{accountText.loading}</p>}
      {activity.error instanceof ApiProblem && <ProblemMessage problem={activity.error} />}
      {activity.data && <ActivityList events={activity.data} />}
    </section>
  );
}
