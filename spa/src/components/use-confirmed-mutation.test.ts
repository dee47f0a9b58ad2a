import { describe, expect, it, vi } from "vitest";
import { confirmedMutation, type Mutation } from "./use-confirmed-mutation";

type Session = { id: string; device: string };
const laptop: Session = { id: "s-1", device: "Firefox sur Linux" };

/** A mutation that succeeds or not, and records what it was asked. */
function fakeMutation({ succeeds }: { succeeds: boolean }) {
  return {
    mutate: vi.fn<Mutation<string, string>["mutate"]>((variables, options) => {
      if (succeeds) options.onSuccess(`revoked ${variables}`);
    }),
    reset: vi.fn(),
  };
}

function confirmation(target: Session | null, mutation: Mutation<string, string>, onSuccess = vi.fn()) {
  const setTarget = vi.fn();
  const confirmed = confirmedMutation({
    target,
    setTarget,
    mutation,
    variablesOf: (session: Session) => session.id,
    onSuccess,
  });
  return { confirmed, setTarget, onSuccess };
}

describe("confirm then mutate", () => {
  it("asks about the item picked", () => {
    const { confirmed, setTarget } = confirmation(null, fakeMutation({ succeeds: true }));
    confirmed.ask(laptop);
    expect(setTarget).toHaveBeenCalledWith(laptop);
  });

  it("closing forgets the item and the mutation's last error", () => {
    const mutation = fakeMutation({ succeeds: true });
    const { confirmed, setTarget } = confirmation(laptop, mutation);
    confirmed.close();
    expect(setTarget).toHaveBeenCalledWith(null);
    expect(mutation.reset).toHaveBeenCalledOnce();
  });

  it("runs the mutation on the item, then closes and tells the caller which item it was", () => {
    const mutation = fakeMutation({ succeeds: true });
    const { confirmed, setTarget, onSuccess } = confirmation(laptop, mutation);
    confirmed.confirm();
    expect(mutation.mutate).toHaveBeenCalledWith("s-1", expect.anything());
    expect(setTarget).toHaveBeenCalledWith(null);
    expect(mutation.reset).toHaveBeenCalledOnce();
    expect(onSuccess).toHaveBeenCalledWith(laptop, "revoked s-1");
  });

  it("stays open on a failure, so the dialog can show the problem", () => {
    const mutation = fakeMutation({ succeeds: false });
    const { confirmed, setTarget, onSuccess } = confirmation(laptop, mutation);
    confirmed.confirm();
    expect(mutation.mutate).toHaveBeenCalledOnce();
    expect(setTarget).not.toHaveBeenCalled();
    expect(mutation.reset).not.toHaveBeenCalled();
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it("does nothing when no item is picked", () => {
    const mutation = fakeMutation({ succeeds: true });
    confirmation(null, mutation).confirmed.confirm();
    expect(mutation.mutate).not.toHaveBeenCalled();
  });
});
