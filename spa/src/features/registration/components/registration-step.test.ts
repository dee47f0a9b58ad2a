import { describe, expect, it } from "vitest";
import { currentStep } from "./registration-step";

// docs/registration.md § 2: what the page shows for each status and next step.
describe("registration step", () => {
  it.each([
    [{ status: "awaiting_siren", next_step: "provide_siren", device_enrolled: false }, "siren"],
    [{ status: "awaiting_identity", next_step: "enroll_device", device_enrolled: false }, "device"],
    [{ status: "awaiting_identity", next_step: "verify_identity", device_enrolled: true }, "identity"],
    [{ status: "awaiting_identity", next_step: "restart", device_enrolled: false }, "device"],
    [{ status: "completed", next_step: "open_device_session", device_enrolled: true }, "firm"],
  ] as const)("%o → %s", (registration, step) => {
    expect(currentStep(registration)).toBe(step);
  });
});
