export const healthText = {
  pageTitle: "État du service",
  intro: "Disponibilité de l'API Comptoir et de sa base de données, vérifiée toutes les 30 secondes.",
  apiHeading: "API",
  apiVersion: "Version",
  databaseHeading: "Base de données",
  checkedAt: "Dernière vérification",
  online: "Service en ligne",
  unreachable: "Service injoignable, reconnexion…",
  checking: "Vérification du service…",
} as const;
