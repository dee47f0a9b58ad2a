import { useState } from "react";

/** What the hook needs of a TanStack Query mutation. */
export interface Mutation<Variables, Data> {
  mutate: (variables: Variables, options: { onSuccess: (data: Data) => void }) => void;
  reset: () => void;
}

export interface ConfirmedMutation<Target> {
  /** The item the ConfirmDialog asks about; `null` while the dialog is closed. */
  target: Target | null;
  /** Opens the dialog about `target`. */
  ask: (target: Target) => void;
  /** Closes the dialog and forgets the mutation's error, so the next item opens a clean one. */
  close: () => void;
  /** Runs the mutation on the target; once it succeeds, closes the dialog. */
  confirm: () => void;
}

/**
 * « Pick an item, confirm, then act on it »: the state behind a ConfirmDialog that runs one
 * mutation on the item picked in a list (revoke this session, remove this collaborator).
 */
export function useConfirmedMutation<Target, Variables, Data>(
  mutation: Mutation<Variables, Data>,
  variablesOf: (target: Target) => Variables,
  options: { onSuccess?: (target: Target, data: Data) => void } = {},
): ConfirmedMutation<Target> {
  const [target, setTarget] = useState<Target | null>(null);
  return confirmedMutation({ target, setTarget, mutation, variablesOf, onSuccess: options.onSuccess });
}

/** The hook without React's state, so that a unit test can drive it. */
export function confirmedMutation<Target, Variables, Data>({
  target,
  setTarget,
  mutation,
  variablesOf,
  onSuccess,
}: {
  target: Target | null;
  setTarget: (target: Target | null) => void;
  mutation: Mutation<Variables, Data>;
  variablesOf: (target: Target) => Variables;
  onSuccess: ((target: Target, data: Data) => void) | undefined;
}): ConfirmedMutation<Target> {
  const close = () => {
    setTarget(null);
    mutation.reset();
  };
  return {
    target,
    ask: setTarget,
    close,
    confirm: () => {
      if (target === null) return;
      mutation.mutate(variablesOf(target), {
        onSuccess: (data) => {
          close();
          onSuccess?.(target, data);
        },
      });
    },
  };
}
