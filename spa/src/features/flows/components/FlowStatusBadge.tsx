import { useStatusLabels } from "../api/status-catalogue";
import { flowStatus, type FlowStatusInput } from "../status";

export function FlowStatusBadge({ flow }: { flow: FlowStatusInput }) {
  const { data: labels } = useStatusLabels();
  const { label, tone } = flowStatus(flow, labels);
  return <span className={`flow-badge flow-badge--${tone}`}>{label}</span>;
}
