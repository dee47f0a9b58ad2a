import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";

// The e2e's server sends its mail through a real SMTP server on loopback (aiosmtpd, started by
// global-setup.ts: `python -m tests.peers.mailbox`), which writes each message it accepts as one
// JSON file, 000001.json… in the order received, into test-results/mailbox/. That folder is the
// tests' mailbox, kept after the run to read when a test fails.

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  /** The SMTP envelope: MAIL FROM and RCPT TO. */
  envelope_from: string;
  recipients: string[];
  /** Every header, decoded (« Réponse à … », not =?utf-8?…). */
  headers: Record<string, string>;
  text: string;
  html: string;
}

/** A header of the mail, its name in any case. */
export function header(mail: ReceivedMail, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(mail.headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

/** Every mail received so far, oldest first. */
export function receivedMails(): ReceivedMail[] {
  const folder = inject("mailbox");
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /^\d+\.json$/.test(name))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(folder, name), "utf8")) as ReceivedMail);
}

/** The last mail to `address` for which `matches` holds, waiting for the outbox to send it. */
export async function waitForMail(
  address: string,
  matches: (mail: ReceivedMail) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<ReceivedMail> {
  const recipient = address.toLowerCase();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = receivedMails()
      .filter((mail) => mail.recipients.some((to) => to.toLowerCase() === recipient) && matches(mail))
      .at(-1);
    if (found) return found;
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error(`no mail to ${address} as expected arrived within ${timeoutMs} ms: ${matches.toString()}`);
}

/** `pattern`'s first group (or whole match) in the text of the last mail to `address` where it is found. */
export async function waitForMailText(address: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const mail = await waitForMail(address, (candidate) => pattern.test(candidate.text), timeoutMs);
  const found = pattern.exec(mail.text);
  return found?.[1] ?? found?.[0] ?? "";
}

/** The last enrollment link mailed to `email` (an invitation, a client's activation). */
export function waitForEnrollmentLink(email: string, timeoutMs = 20_000): Promise<string> {
  return waitForMailText(email, /\S+\/enroll#[\w-]+/, timeoutMs);
}
