import type { components } from "@/api/schema";
import { formatDateTime } from "@/lib/format";
import { describeUserAgent } from "@/lib/user-agent";
import { componentsText } from "./text";

export type ActivityEvent = components["schemas"]["ActivityEvent"];

export function activityLabel(action: string): string {
  return componentsText.activityActions[action] ?? action;
}

/** The account's own events, newest first, as the « Mon compte » page and the phone show them. */
export function ActivityList({ events }: { events: readonly ActivityEvent[] }) {
  if (events.length === 0) {
    return <p className="empty">{componentsText.activityEmpty}</p>;
  }
  return (
    <ol className="activity">
      {events.map((event) => (
        <li key={event.id} className="activity__item">
          <span className="activity__action">{activityLabel(event.action)}</span>
          <span className="activity__meta">
            <time dateTime={event.occurred_at}>{formatDateTime(event.occurred_at)}</time>
            {event.user_agent && ` · ${describeUserAgent(event.user_agent)}`}
            {event.ip && ` · ${componentsText.activityFrom} ${event.ip}`}
          </span>
        </li>
      ))}
    </ol>
  );
}
