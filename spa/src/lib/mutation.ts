import {
  useMutation as useQueryMutation,
  type DefaultError,
  type MutateOptions,
  type UseMutationOptions,
  type UseMutationResult,
} from "@tanstack/react-query";
import { useCallback, useState } from "react";

/**
 * `useMutation` that sends one request at a time. A button disabled by `isPending` is only
 * disabled after the next render; a double click lands both clicks before it, and the second
 * submission of an import confirmation came back « déjà confirmé » while the first had created
 * the clients. Here a call made while the previous one is still in flight is dropped at once
 * (synchronously), so no submit button of the SPA can send twice. Every feature imports this one
 * (ESLint forbids TanStack's own `useMutation` outside this file).
 */
export function useMutation<TData = unknown, TError = DefaultError, TVariables = void, TContext = unknown>(
  options: UseMutationOptions<TData, TError, TVariables, TContext>,
): UseMutationResult<TData, TError, TVariables, TContext> {
  const mutation = useQueryMutation(options);
  const [gate] = useState(() => new OneAtATime());
  // TanStack types the options argument as a rest parameter; it takes (variables, options?).
  const send = mutation.mutateAsync as (
    variables: TVariables,
    callbacks?: MutateOptions<TData, TError, TVariables, TContext>,
  ) => Promise<TData>;

  const mutateAsync = useCallback(
    (variables: TVariables, callbacks?: MutateOptions<TData, TError, TVariables, TContext>): Promise<TData> =>
      gate.run(() => send(variables, callbacks)),
    [gate, send],
  );

  const mutate = useCallback(
    (variables: TVariables, callbacks?: MutateOptions<TData, TError, TVariables, TContext>) => {
      // The error is the mutation's state (shown by the screen), as with TanStack's `mutate`.
      mutateAsync(variables, callbacks).catch(() => undefined);
    },
    [mutateAsync],
  );

  return { ...mutation, mutate, mutateAsync } as UseMutationResult<TData, TError, TVariables, TContext>;
}

/** Thrown by `mutateAsync` when the same action is already being sent. */
export class SubmissionInFlight extends Error {
  constructor() {
    super("Une demande identique est déjà en cours.");
    this.name = "SubmissionInFlight";
  }
}

/** Runs one task at a time: a task asked for while another runs is refused, not queued. */
export class OneAtATime {
  private busy = false;

  get running(): boolean {
    return this.busy;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // Checked and set in the same synchronous step as the click that asked: no render between.
    if (this.busy) throw new SubmissionInFlight();
    this.busy = true;
    try {
      return await task();
    } finally {
      this.busy = false;
    }
  }
}
