import { ActivityList } from "@/components/ActivityList";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { useDeviceActivity } from "../api/get-activity";
import { useDeviceSession } from "../api/open-device-session";
import { companionText } from "../text";

/** `/mobile/activite`: the account's activity, read with this phone's device session. */
export function MobileActivityPage() {
  const deviceSession = useDeviceSession();
  const activity = useDeviceActivity(deviceSession.data?.accessToken);
  const problem = deviceSession.error ?? activity.error;

  return (
    <>
      <h1>{companionText.activity.pageTitle}</h1>
      <p className="lead">{companionText.activity.intro}</p>
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
