import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SCREENSHOTS } from "./browser";

// `comptoir run` without SMTP writes each mail to its log (COMPTOIR_MAIL_TRANSPORT=log), which
// global-setup.ts copies to test-results/comptoir-run.log: that log is the test's mailbox.
const SERVER_LOG = resolve(SCREENSHOTS, "comptoir-run.log");

/** The last enrollment link mailed to `email`, waiting for the outbox worker to send it. */
export async function waitForEnrollmentLink(email: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = readFileSync(SERVER_LOG, "utf8");
    const mails = log.split("Courriel (non envoyé").filter((mail) => mail.includes(` à ${email} `));
    const link = /\S+\/enroll#[\w-]+/.exec(mails.at(-1) ?? "")?.[0];
    if (link) return link;
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error(`no enrollment link was mailed to ${email}`);
}
