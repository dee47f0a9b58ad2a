import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";

const run = promisify(execFile);

/**
 * The command-line device companion (`comptoir device …`), the same client the API's own
 * tests drive: it enrolls a key from an enrollment link and approves a QR login by its URL.
 */
export class CliCompanion {
  private constructor(
    private readonly comptoir: string,
    readonly keyFile: string,
  ) {}

  /** `comptoir device enroll <link> --key-file F`, with a key file of its own. */
  static async enroll(comptoir: string, enrollmentLink: string): Promise<CliCompanion> {
    const keyFile = join(mkdtempSync(join(tmpdir(), "comptoir-companion-")), "device.json");
    await run(comptoir, ["device", "enroll", enrollmentLink, "--key-file", keyFile, "--name", "Compagnon e2e"]);
    return new CliCompanion(comptoir, keyFile);
  }

  /** `comptoir device approve <qr_url>`; returns what it printed. */
  async approve(qrUrl: string): Promise<string> {
    const { stdout } = await run(this.comptoir, ["device", "approve", qrUrl, "--key-file", this.keyFile]);
    return stdout;
  }

  /**
   * Signs `page` in: opens /connexion, reads the QR's URL from the page (the « lien du code
   * QR » it also offers to people who cannot scan), approves it, waits for the workspace.
   */
  async logIn(page: Page, baseUrl: string): Promise<void> {
    await page.goto(`${baseUrl}/connexion`);
    const qrUrl = await readQrUrl(page);
    await this.approve(qrUrl);
    await page.waitForURL(`${baseUrl}/`);
  }
}

/** The URL the login QR encodes, as the page exposes it on the QR figure. */
export async function readQrUrl(page: Page): Promise<string> {
  const qr = page.getByTestId("login-qr");
  await qr.waitFor();
  const qrUrl = await qr.getAttribute("data-qr-url");
  if (!qrUrl) {
    throw new Error("the login page shows no QR URL");
  }
  return qrUrl;
}
