export const componentsText = {
  problemReference: "Référence de la demande :",
  statusUp: "Disponible",
  statusDown: "Indisponible",
  statusPending: "Vérification…",
} as const;
