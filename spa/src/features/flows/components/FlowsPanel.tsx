import { useMemo, useState } from "react";
import { DataTable } from "@/components/DataTable";
import { LoadMore } from "@/components/LoadMore";
import { ProblemMessage } from "@/components/ProblemMessage";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useFlows } from "../api/list-flows";
import { flowsText } from "../text";
import { FlowDialog } from "./FlowDialog";
import { FlowStatusBadge } from "./FlowStatusBadge";

const columns = flowsText.columns;

/** The e-invoice flows of one client (`clientId`) or of every client the user sees. */
export function FlowsPanel({ clientId }: { clientId?: string | undefined }) {
  const flows = useFlows(clientId);
  const rows = useMemo(() => flows.data?.pages.flatMap((page) => page.items) ?? [], [flows.data]);
  const [opened, setOpened] = useState<{ id: string; name: string } | null>(null);

  return (
    <section className="flows-panel" aria-labelledby="flows-heading">
      <h2 id="flows-heading">{flowsText.heading}</h2>
      <p className="muted">{flowsText.intro}</p>
      {flows.error instanceof ApiProblem && <ProblemMessage problem={flows.error} />}
      {flows.isPending && <p>{flowsText.loading}</p>}
      {!flows.isPending && rows.length === 0 && !flows.error && <p>{flowsText.empty}</p>}
      {rows.length > 0 && (
        <DataTable
          caption={flowsText.heading}
          data-testid="flows-table"
          columns={[
            columns.date,
            { label: columns.name, kind: "primary" },
            columns.direction,
            columns.type,
            columns.invoice,
            columns.status,
          ]}
        >
          {rows.map((flow) => (
            <tr key={flow.id}>
              <td>{formatDateTime(flow.submitted_at)}</td>
              <td>
                <button
                  type="button"
                  className="flow-link"
                  aria-label={flowsText.open(flow.name)}
                  onClick={() => setOpened({ id: flow.id, name: flow.name })}
                >
                  {flow.name}
                </button>
              </td>
              <td>{flowsText.directions[flow.direction] ?? flow.direction}</td>
              <td>{flowsText.types[flow.flow_type] ?? flow.flow_type}</td>
              <td>{flow.invoice_number ?? "—"}</td>
              <td>
                <FlowStatusBadge flow={flow} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {rows.length > 0 && (
        <LoadMore
          hasMore={Boolean(flows.hasNextPage)}
          loading={flows.isFetchingNextPage}
          onLoadMore={() => void flows.fetchNextPage()}
          shown={rows.length}
        />
      )}
      <FlowDialog flowId={opened?.id ?? null} name={opened?.name ?? ""} onClose={() => setOpened(null)} />
    </section>
  );
}
