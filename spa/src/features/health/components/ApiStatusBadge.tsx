import { StatusIndicator } from "@/components/StatusIndicator";
import { useHealth } from "../api/get-health";
import { healthText } from "../text";
import { componentsText } from "@/components/text";

/** The compact "API: disponible" shown in the shell's header on every page. */
export function ApiStatusBadge() {
  const health = useHealth();
  const status = health.isPending ? "pending" : health.isError ? "down" : "up";
  const word =
    status === "up"
      ? componentsText.statusUp
      : status === "down"
        ? componentsText.statusDown
        : componentsText.statusPending;
  return <StatusIndicator status={status} label={`${healthText.compactLabel} : ${word.toLowerCase()}`} />;
}
