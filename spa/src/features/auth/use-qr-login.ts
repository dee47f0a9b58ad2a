import { useEffect, useEffectEvent, useState } from "react";
import { exportPublicJwk, generateDeviceKey, signText } from "@/lib/device-key";
import { ApiProblem } from "@/lib/problem";
import { createLoginChallenge, type LoginChallenge } from "./api/create-login-challenge";
import { getLoginChallenge } from "./api/get-login-challenge";
import { redeemLoginChallenge } from "./api/redeem-login-challenge";
import { redeemMessage } from "./protocol";

export type QrLoginState =
  | { phase: "starting" }
  /** The QR is shown; `scanned` once a phone opened it; `renewed` when an old code expired. */
  | { phase: "waiting"; challenge: LoginChallenge; scanned: boolean; renewed: boolean }
  | { phase: "approved"; challenge: LoginChallenge }
  | { phase: "denied" }
  | { phase: "failed"; problem: ApiProblem }
  | { phase: "signed-in" };

// The server holds a poll at most this long (login_long_poll_max_seconds) and answers at once
// when the status changes.
const LONG_POLL_SECONDS = 20;
// Offline or a 5xx: ask again at this pace rather than at the poll interval.
const RETRY_AFTER_FAILURE_SECONDS = 5;

type Outcome = "approved" | "denied" | "expired";

/**
 * The browser side of the QR login (DESIGN.md, "Passwordless login"): an ephemeral P-256 key
 * made non-extractable and kept in memory only, a challenge bound to its public half, long
 * polling that honours `interval` and `slow_down`, a new code whenever one expires, and the
 * redemption signed by that key. `restart` shows a new code after a refusal or a failure.
 */
export function useQrLogin(onSignedIn: () => void): { state: QrLoginState; restart: () => void } {
  const [state, setState] = useState<QrLoginState>({ phase: "starting" });
  const [attempt, setAttempt] = useState(0);
  const signedIn = useEffectEvent(onSignedIn);

  useEffect(() => {
    const controller = new AbortController();
    runQrLogin(controller.signal, setState).then(
      (done) => {
        if (done) signedIn();
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ phase: "failed", problem: error instanceof ApiProblem ? error : ApiProblem.network() });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  return {
    state,
    restart: () => {
      setState({ phase: "starting" });
      setAttempt((value) => value + 1);
    },
  };
}

/** Runs until signed in (true) or denied (false); throws an ApiProblem on a hard failure. */
async function runQrLogin(signal: AbortSignal, report: (state: QrLoginState) => void): Promise<boolean> {
  let renewed = false;
  for (;;) {
    // A fresh key per code: nothing of a previous attempt can be reused.
    const browserKey = await generateDeviceKey();
    const challenge = await createLoginChallenge(await exportPublicJwk(browserKey.publicKey), signal);
    report({ phase: "waiting", challenge, scanned: false, renewed });
    const outcome = await waitForDecision(challenge, signal, (scanned) =>
      report({ phase: "waiting", challenge, scanned, renewed }),
    );
    if (outcome === "expired") {
      renewed = true;
      continue;
    }
    if (outcome === "denied") {
      report({ phase: "denied" });
      return false;
    }
    report({ phase: "approved", challenge });
    const signature = await signText(
      browserKey.privateKey,
      redeemMessage({
        audience: challenge.audience,
        challengeId: challenge.challenge_id,
        serverNonce: challenge.server_nonce,
      }),
    );
    await redeemLoginChallenge(challenge.challenge_id, signature, signal);
    report({ phase: "signed-in" });
    return true;
  }
}

async function waitForDecision(
  challenge: LoginChallenge,
  signal: AbortSignal,
  onScanned: (scanned: boolean) => void,
): Promise<Outcome> {
  const expiresAt = Date.parse(challenge.expires_at);
  let delaySeconds = 0;
  let scanned = false;
  for (;;) {
    await pause(delaySeconds * 1000, signal);
    try {
      const status = await getLoginChallenge(challenge.challenge_id, LONG_POLL_SECONDS, signal);
      // The server counts the interval from its answer: the next poll waits that long.
      delaySeconds = status.interval;
      if (status.status === "pending") {
        if (status.scanned !== scanned) {
          scanned = status.scanned;
          onScanned(scanned);
        }
        continue;
      }
      // "redeemed" cannot come from elsewhere (only this key redeems): treat it as spent.
      return status.status === "redeemed" ? "expired" : status.status;
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof ApiProblem && error.status === 429) {
        // slow_down (RFC 8628 §3.5): wait what the server asks, and keep a longer pace.
        delaySeconds = error.retryAfterSeconds ?? challenge.interval + 5;
        continue;
      }
      if (error instanceof ApiProblem && error.status === 404) {
        return "expired"; // purged on the server: show a new code
      }
      if (Date.now() >= expiresAt) {
        return "expired";
      }
      delaySeconds = Math.max(challenge.interval, RETRY_AFTER_FAILURE_SECONDS);
    }
  }
}

function pause(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, milliseconds);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
