// Renders the PWA's PNG icons from the SVG sources with Debian's Chromium, so the committed
// PNGs can be rebuilt after a change to the logo: `node scripts/render-icons.mjs`.
import { readFile } from "node:fs/promises";
import { chromium } from "playwright-core";

const icons = [
  { source: "icon.svg", output: "icon-192.png", size: 192 },
  { source: "icon.svg", output: "icon-512.png", size: 512 },
  { source: "icon-maskable.svg", output: "icon-maskable-512.png", size: 512 },
];
const folder = new URL("../public/icons/", import.meta.url);

const browser = await chromium.launch({
  executablePath: process.env.COMPTOIR_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  for (const icon of icons) {
    const svg = await readFile(new URL(icon.source, folder), "utf8");
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace("<svg ", `<svg width="${icon.size}" height="${icon.size}" `)}</body></html>`,
    );
    await page.screenshot({ path: new URL(icon.output, folder).pathname, omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
