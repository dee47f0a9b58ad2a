/**
 * A user agent as a person recognises it (« Chrome sur Android »), for the lists of sessions
 * and devices. Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", and
 * Android also says "Linux".
 */
const BROWSERS: readonly [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/SamsungBrowser\//, "Samsung Internet"],
  [/Firefox\/|FxiOS\//, "Firefox"],
  [/Chrom(e|ium)\/|CriOS\//, "Chrome"],
  [/Version\/[\d.]+.*Safari\//, "Safari"],
  [/python-httpx|comptoir/i, "Compagnon Comptoir"],
];

const SYSTEMS: readonly [RegExp, string][] = [
  [/Android/, "Android"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

const UNKNOWN = "Appareil inconnu";

function firstMatch(userAgent: string, table: readonly [RegExp, string][]): string | null {
  return table.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;
}

export function describeUserAgent(userAgent: string | null | undefined): string {
  if (!userAgent) {
    return UNKNOWN;
  }
  const browser = firstMatch(userAgent, BROWSERS);
  const system = firstMatch(userAgent, SYSTEMS);
  if (browser && system) {
    return `${browser} sur ${system}`;
  }
  return browser ?? system ?? UNKNOWN;
}

const PLATFORMS: Record<string, string> = {
  ios: "iPhone ou iPad (iOS)",
  android: "Android",
  web: "Navigateur du téléphone",
  cli: "Compagnon en ligne de commande",
};

/** A device's platform as enrolled (`ios`, `android`, `web`, `cli`), in words for the user. */
export function devicePlatformLabel(platform: string): string {
  return PLATFORMS[platform.toLowerCase()] ?? platform;
}
