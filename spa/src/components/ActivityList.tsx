import type { components } from "@/api/schema";
import { eventLabel } from "@/lib/event-labels";
import { formatDateTime } from "@/lib/format";
import { describeUserAgent } from "@/lib/user-agent";
import { componentsText } from "./text";

export type ActivityEvent = components["schemas"]["ActivityEvent"];

/** The account's own events, newest first, as the « Mon compte » page and the phone show them. */
export function ActivityList({ events }: { events: readonly ActivityEvent[] }) {
  if (events.length === 0) {
    return <p className="empty">{componentsText.activityEmpty}</p>;
  }
  return (
    <ol className="activity">
      {events.map((event) => (
        <li key={event.id} className="activity__item">
          <span className="activity__action">{eventLabel(event.action)}</span>
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
