import {
  useMutation as useQueryMutation,
  type DefaultError,
  type MutateOptions,
  type UseMutationOptions,
  type UseMutationResult,
} from "@tanstack/react-query";
import { useCallback, useRef } from "react";

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
  const inFlight = useRef(false);
  // TanStack types the options argument as a rest parameter; it takes (variables, options?).
  const send = mutation.mutateAsync as (
    variables: TVariables,
    callbacks?: MutateOptions<TData, TError, TVariables, TContext>,
  ) => Promise<TData>;

  const mutateAsync = useCallback(
    async (variables: TVariables, callbacks?: MutateOptions<TData, TError, TVariables, TContext>): Promise<TData> => {
      if (inFlight.current) {
        throw new SubmissionInFlight();
      }
      inFlight.current = true;
      try {
        return await send(variables, callbacks);
      } finally {
        inFlight.current = false;
      }
    },
    [send],
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
