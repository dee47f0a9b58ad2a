import { useConnection } from "@/api/connection";
import { StatusIndicator } from "@/components/StatusIndicator";
import { useHealth } from "../api/get-health";
import { healthText } from "../text";

/**
 * The header's « Service en ligne » / « Service injoignable » on every page. It follows what the
 * page's own calls meet (api/connection.ts), not only the health check of up to 30 s ago, so it
 * never says « en ligne » while the screen below shows the server unreachable.
 */
export function ApiStatusBadge() {
  const health = useHealth();
  const connection = useConnection();
  const status = connection === "unreachable" ? "down" : health.isPending ? "pending" : "up";
  const label = { up: healthText.online, down: healthText.unreachable, pending: healthText.checking }[status];
  return (
    <span data-testid="service-status" data-status={status}>
      <StatusIndicator status={status} label={label} />
    </span>
  );
}
