import type { Registration } from "../api/get-registration";

export type StepKey = "sso" | "siren" | "device" | "identity" | "firm";
export const STEP_ORDER: readonly StepKey[] = ["sso", "siren", "device", "identity", "firm"];

/** Which step the owner is at, from what the API says (docs/registration.md, § 2). */
export function currentStep(registration: Pick<Registration, "status" | "next_step" | "device_enrolled">): StepKey {
  if (registration.status === "completed") return "firm";
  if (registration.status === "awaiting_siren") return "siren";
  if (registration.next_step === "verify_identity" || registration.device_enrolled) return "identity";
  return "device";
}
