// French text of the flows screens, in one place.
export const flowsText = {
  heading: "Flux de facturation électronique",
  intro: "Les factures et messages de statut échangés par la plateforme, avec leur contrôle.",
  empty: "Aucun flux pour l'instant.",
  loading: "Chargement des flux…",
  loadMore: "Afficher plus de flux",
  columns: {
    date: "Date",
    name: "Fichier",
    direction: "Sens",
    type: "Type",
    invoice: "Facture",
    status: "Statut",
  },
  directions: { Out: "Émis", In: "Reçu" } as Record<string, string>,
  statuses: {
    pending: "En cours de contrôle",
    ok: "Accepté",
    error: "Refusé",
  },
  unknownStatus: (code: number) => `Statut ${code}`,
  types: {
    CustomerInvoice: "Facture de vente",
    SupplierInvoice: "Facture d'achat",
    CustomerInvoiceLC: "Statut (vente)",
    SupplierInvoiceLC: "Statut (achat)",
    Undefined: "—",
  } as Record<string, string>,
  open: (name: string) => `Voir le rapport de « ${name} »`,
  detail: {
    title: (name: string) => `Flux « ${name} »`,
    syntax: "Format",
    rules: "Règles de contrôle",
    rulesNotRun: "non exécutées",
    received: "Reçu le",
    report: "Rapport de contrôle",
    noFinding: "Aucune anomalie : la facture respecte les règles.",
    fatal: "Bloquante",
    warning: "Avertissement",
    location: "Emplacement",
    statusMessages: "Messages de statut émis",
    original: "Télécharger l'original",
    readable: "Vue lisible",
    close: "Fermer",
  },
  ppf: {
    sent: (when: string) => `Transmis au PPF le ${when}.`,
    keptLocally: (when: string) =>
      `Copie pour le PPF conservée dans Comptoir le ${when} (aucun envoi au PPF n'est configuré).`,
    queued: "Transmission au PPF en attente.",
    retrying: (attempts: number, error: string) =>
      `Pas encore transmis au PPF (${attempts} essai${attempts > 1 ? "s" : ""}, nouvel essai prévu) : ${error}`,
    refused: (status: number | null, error: string | null) =>
      `Refusé par le PPF${status ? ` (HTTP ${status})` : ""}${error ? ` : ${error}` : "."}`,
  },
};
