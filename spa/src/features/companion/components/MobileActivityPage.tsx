import { ActivityList } from "@/components/ActivityList";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { useDeviceActivity } from "../api/get-activity";
import { useDeviceMe } from "../api/get-device-me";
import { useDeviceSession } from "../api/open-device-session";
import { companionText } from "../text";
import { DeviceWorkspaceSwitch } from "./DeviceWorkspaceSwitch";

/**
 * `/mobile/activite`: the account's activity, read with this phone's device session, and the
 * workspace the phone acts in (a person in several chooses it here too).
 */
export function MobileActivityPage() {
  const deviceSession = useDeviceSession();
  const accessToken = deviceSession.data?.accessToken;
  const me = useDeviceMe(accessToken);
  const activity = useDeviceActivity(accessToken);
  const problem = deviceSession.error ?? me.error ?? activity.error;

  return (
    <>
      <h1>{companionText.activity.pageTitle}</h1>
      <p className="lead">{companionText.activity.intro}</p>
      {me.data?.workspace && me.data.workspaces.length < 2 && (
        <p>{companionText.activity.currentWorkspace(me.data.workspace.name)}</p>
      )}
      {me.data && accessToken && <DeviceWorkspaceSwitch accessToken={accessToken} me={me.data} />}
      {deviceSession.data === null && (
        <div role="alert">
          <p className="emphasis">{companionText.approval.notEnrolledTitle}</p>
          <p>{companionText.approval.notEnrolledHelp}</p>
        </div>
      )}
      {(deviceSession.isPending || activity.isLoading) && <p role="status">{companionText.activity.loading}</p>}
      {problem instanceof ApiProblem && <ProblemMessage problem={problem} />}
      {activity.data && (
        <section className="card" aria-label={companionText.activity.pageTitle}>
          <ActivityList events={activity.data} />
        </section>
      )}
    </>
  );
}
