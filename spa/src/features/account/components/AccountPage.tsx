import { useState } from "react";
import { ActivityList } from "@/components/ActivityList";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { describeUserAgent } from "@/lib/user-agent";
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
  const [toRevoke, setToRevoke] = useState<AccountSession | null>(null);
  const close = () => {
    setToRevoke(null);
    revoke.reset();
  };

  return (
    <section className="card" aria-labelledby="account-sessions">
      <h2 id="account-sessions">{accountText.sessionsHeading}</h2>
      {sessions.isPending && <p>{accountText.loading}</p>}
      {sessions.error instanceof ApiProblem && <ProblemMessage problem={sessions.error} />}
      {sessions.data && (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">{accountText.sessionsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{accountText.sessionDevice}</th>
                <th scope="col">{accountText.sessionKind}</th>
                <th scope="col">{accountText.sessionIp}</th>
                <th scope="col">{accountText.sessionCreated}</th>
                <th scope="col">{accountText.sessionLastUsed}</th>
                <th scope="col">{accountText.actions}</th>
              </tr>
            </thead>
            <tbody>
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
                        onClick={() => setToRevoke(session)}
                      >
                        {accountText.revokeSession}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={toRevoke !== null}
        title={accountText.revokeSessionTitle}
        confirmLabel={accountText.revokeSession}
        pending={revoke.isPending}
        onCancel={close}
        onConfirm={() => {
          if (toRevoke) revoke.mutate(toRevoke.id, { onSuccess: close });
        }}
      >
        <p>{accountText.revokeSessionBody(describeUserAgent(toRevoke?.user_agent))}</p>
        {revoke.error instanceof ApiProblem && <ProblemMessage problem={revoke.error} />}
      </ConfirmDialog>
    </section>
  );
}

function Devices() {
  const devices = useDevices();
  const revoke = useRevokeDevice();
  const [toRevoke, setToRevoke] = useState<AccountDevice | null>(null);
  const close = () => {
    setToRevoke(null);
    revoke.reset();
  };

  return (
    <section className="card" aria-labelledby="account-devices">
      <h2 id="account-devices">{accountText.devicesHeading}</h2>
      {devices.isPending && <p>{accountText.loading}</p>}
      {devices.error instanceof ApiProblem && <ProblemMessage problem={devices.error} />}
      {devices.data?.length === 0 && <p className="empty">{accountText.noDevices}</p>}
      {devices.data && devices.data.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">{accountText.devicesCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{accountText.deviceName}</th>
                <th scope="col">{accountText.devicePlatform}</th>
                <th scope="col">{accountText.deviceCreated}</th>
                <th scope="col">{accountText.deviceLastUsed}</th>
                <th scope="col">{accountText.actions}</th>
              </tr>
            </thead>
            <tbody>
              {devices.data.map((device) => (
                <tr key={device.id}>
                  <td>{device.name}</td>
                  <td>{device.platform}</td>
                  <td>{formatDateTime(device.created_at)}</td>
                  <td>{device.last_used_at ? formatDateTime(device.last_used_at) : accountText.never}</td>
                  <td>
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={accountText.revokeDeviceLabel(device.name)}
                      onClick={() => setToRevoke(device)}
                    >
                      {accountText.revokeDevice}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={toRevoke !== null}
        title={accountText.revokeDeviceTitle}
        confirmLabel={accountText.revokeDevice}
        pending={revoke.isPending}
        onCancel={close}
        onConfirm={() => {
          if (toRevoke) revoke.mutate(toRevoke.id, { onSuccess: close });
        }}
      >
        <p>{accountText.revokeDeviceBody(toRevoke?.name ?? "")}</p>
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
