import { describe, expect, it } from "vitest";
import { describeUserAgent, devicePlatformLabel } from "./user-agent";

describe("describeUserAgent", () => {
  it.each([
    [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
      "Chrome sur Linux",
    ],
    [
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36",
      "Chrome sur Android",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
      "Safari sur iOS",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0",
      "Edge sur Windows",
    ],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:130.0) Gecko/20100101 Firefox/130.0", "Firefox sur macOS"],
    ["python-httpx/0.28.1", "Compagnon Comptoir"],
  ])("names %s", (userAgent, expected) => {
    expect(describeUserAgent(userAgent)).toBe(expected);
  });

  it("says so when there is nothing to read", () => {
    expect(describeUserAgent(null)).toBe("Appareil inconnu");
    expect(describeUserAgent("curl/8.0")).toBe("Appareil inconnu");
  });
});

describe("device platforms", () => {
  it("names the command-line companion instead of showing `cli`", () => {
    expect(devicePlatformLabel("cli")).toBe("Compagnon en ligne de commande");
    expect(devicePlatformLabel("ios")).toContain("iOS");
    expect(devicePlatformLabel("Windows Phone")).toBe("Windows Phone");
  });
});
