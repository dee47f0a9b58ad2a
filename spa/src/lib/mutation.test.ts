import { describe, expect, it } from "vitest";
import { OneAtATime, SubmissionInFlight } from "./mutation";

/** A request the test answers when it wants, counting how many were sent. */
function controlledRequest() {
  let sent = 0;
  let answer: (value: string) => void = () => undefined;
  const send = () => {
    sent += 1;
    return new Promise<string>((resolve) => {
      answer = resolve;
    });
  };
  return { send, answer: (value: string) => answer(value), sent: () => sent };
}

describe("one submission at a time", () => {
  it("sends a double click once: the second click is refused while the first is in flight", async () => {
    const gate = new OneAtATime();
    const request = controlledRequest();

    const first = gate.run(request.send);
    const second = gate.run(request.send);

    await expect(second).rejects.toBeInstanceOf(SubmissionInFlight);
    expect(request.sent()).toBe(1);
    request.answer("créés");
    await expect(first).resolves.toBe("créés");
  });

  it("sends again once the first answer came back, even a failed one", async () => {
    const gate = new OneAtATime();
    await expect(gate.run(() => Promise.reject(new Error("injoignable")))).rejects.toThrow("injoignable");
    expect(gate.running).toBe(false);
    await expect(gate.run(() => Promise.resolve("ok"))).resolves.toBe("ok");
  });
});
