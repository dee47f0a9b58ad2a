import { flowStatus, type FlowStatusInput } from "../status";

export function FlowStatusBadge({ flow }: { flow: FlowStatusInput }) {
  const { label, tone } = flowStatus(flow);
  return <span className={`flow-badge flow-badge--${tone}`}>{label}</span>;
}
