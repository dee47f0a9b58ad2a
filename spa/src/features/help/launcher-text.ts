// The few words of the « Assistance » button, in the main bundle; the rest is in text.ts,
// loaded with the panel and the articles.
export const launcherText = {
  launcher: "Assistance",
  launcherLabel: "Assistance : aide, visites guidées et support",
  loading: "Chargement…",
} as const;
