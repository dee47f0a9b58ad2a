import { useId, useState } from "react";
import { DataTable } from "@/components/DataTable";
import { DateField } from "@/components/DateField";
import { LoadMore } from "@/components/LoadMore";
import { ProblemMessage } from "@/components/ProblemMessage";
import { eventLabel } from "@/lib/event-labels";
import { formatDateTime, formatFileSize } from "@/lib/format";
import { useCan } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import { describeUserAgent } from "@/lib/user-agent";
import { useActors } from "../api/list-actors";
import { useAuditEvents, type AuditEvent, type AuditFilters } from "../api/list-audit-events";
import { auditText as text } from "../text";

const NO_FILTERS: AuditFilters = { action: "", actorUserId: "", targetType: "", fromDay: "", toDay: "" };

/** « Journal d'audit » (audit:read): the workspace's trail, newest first, with filters. */
export function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const events = useAuditEvents(filters);
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <h1>{text.pageTitle}</h1>
      <p className="lead">{text.intro}</p>
      <Filters filters={filters} onChange={setFilters} />
      <section className="card card--flush" aria-label={text.caption}>
        {events.isPending && <p className="card__message">{text.loading}</p>}
        {events.error instanceof ApiProblem && <ProblemMessage problem={events.error} />}
        {events.isSuccess && rows.length === 0 && <p className="card__message empty">{text.empty}</p>}
        {rows.length > 0 && (
          <DataTable
            caption={text.caption}
            columns={[text.date, { label: text.action, kind: "primary" }, text.by, text.on, text.origin]}
            data-testid="audit-table"
          >
            {rows.map((event) => (
              <EventRow key={event.id} event={event} />
            ))}
          </DataTable>
        )}
        {events.isSuccess && (
          <LoadMore
            shown={rows.length}
            hasMore={events.hasNextPage}
            loading={events.isFetchingNextPage}
            onLoadMore={() => void events.fetchNextPage()}
          />
        )}
      </section>
    </>
  );
}

function Filters({ filters, onChange }: { filters: AuditFilters; onChange: (filters: AuditFilters) => void }) {
  const id = useId();
  const can = useCan();
  const actors = useActors(can("members:read"));
  const set = (field: keyof AuditFilters) => (event: { target: { value: string } }) =>
    onChange({ ...filters, [field]: event.target.value });

  return (
    <search className="filters" aria-label={text.filtersLabel}>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-category`}>
          {text.category}
        </label>
        <select id={`${id}-category`} className="field__input" value={filters.action} onChange={set("action")}>
          <option value="">{text.allCategories}</option>
          {text.categories.map((category) => (
            <option key={category.prefix} value={category.prefix}>
              {category.label}
            </option>
          ))}
        </select>
      </div>
      {actors.data && (
        <div className="field">
          <label className="field__label" htmlFor={`${id}-actor`}>
            {text.actor}
          </label>
          <select id={`${id}-actor`} className="field__input" value={filters.actorUserId} onChange={set("actorUserId")}>
            <option value="">{text.allActors}</option>
            {actors.data.map((actor) => (
              <option key={actor.userId} value={actor.userId}>
                {actor.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label className="field__label" htmlFor={`${id}-target`}>
          {text.target}
        </label>
        <select id={`${id}-target`} className="field__input" value={filters.targetType} onChange={set("targetType")}>
          <option value="">{text.allTargets}</option>
          {Object.entries(text.targetTypes).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <DateField
        label={text.from}
        value={filters.fromDay || undefined}
        onChange={(day) => onChange({ ...filters, fromDay: day ?? "" })}
      />
      <DateField
        label={text.to}
        value={filters.toDay || undefined}
        error={filters.fromDay && filters.toDay && filters.fromDay > filters.toDay ? text.periodReversed : undefined}
        onChange={(day) => onChange({ ...filters, toDay: day ?? "" })}
      />
      <div className="filters__reset">
        <button
          type="button"
          className="button"
          disabled={Object.values(filters).every((value) => value === "")}
          onClick={() => onChange(NO_FILTERS)}
        >
          {text.reset}
        </button>
      </div>
    </search>
  );
}

function actorOf(event: AuditEvent): string {
  const { actor } = event;
  if (actor.name) {
    return actor.kind === "device" ? `${actor.name} (${text.viaDevice})` : actor.name;
  }
  return text.actorKinds[actor.kind] ?? actor.kind;
}

// What the event was about, in words: the e-mail, name or title the API put in `data` when there
// is one, a document's type and size, else the kind of object alone (never a bare id).
export function targetOf(event: Pick<AuditEvent, "target_type" | "data">): string {
  if (!event.target_type) return "—";
  const kind = text.targetTypes[event.target_type] ?? text.otherTarget;
  const label = ["email", "name", "title", "file_name", "url", "siren"]
    .map((key) => event.data[key])
    .find((value) => typeof value === "string" && value !== "");
  if (typeof label === "string") return `${kind} · ${label}`;
  if (event.target_type === "document") {
    const type = typeof event.data["type"] === "string" ? text.documentTypes[event.data["type"]] : undefined;
    const size = typeof event.data["size"] === "number" ? formatFileSize(event.data["size"]) : undefined;
    return [kind, [type, size].filter(Boolean).join(", ")].filter(Boolean).join(" · ");
  }
  return kind;
}

function EventRow({ event }: { event: AuditEvent }) {
  const details = Object.entries(event.data);
  return (
    <tr>
      <td>
        <time dateTime={event.occurred_at}>{formatDateTime(event.occurred_at)}</time>
        <span className="muted cell__note">{text.sequence(event.sequence)}</span>
      </td>
      <td>
        <span className="emphasis">{eventLabel(event.action)}</span>
        <span className="muted cell__note">
          <code>{event.action}</code>
        </span>
        {details.length > 0 && (
          <details className="attempts">
            <summary>{text.details}</summary>
            <dl className="facts facts--compact">
              {details.map(([key, value]) => (
                <div key={key} className="facts__pair">
                  <dt>{key}</dt>
                  <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
                </div>
              ))}
            </dl>
          </details>
        )}
      </td>
      <td>
        {actorOf(event)}
        {event.actor.email && <span className="muted cell__note">{event.actor.email}</span>}
      </td>
      <td>{targetOf(event)}</td>
      <td>
        {event.ip ?? "—"}
        {event.user_agent && <span className="muted cell__note">{describeUserAgent(event.user_agent)}</span>}
      </td>
    </tr>
  );
}
