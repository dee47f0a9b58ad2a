// Every French word of the e-invoicing screens, in one place (STYLE.md, "The SPA"). The words
// follow the reform: the platform (Comptoir, as registered) is the Plateforme Agréée (PA); the
// firm signs the mandate as the client's mandataire, it is never the PA itself.
export const einvoicingText = {
  loading: "Chargement…",
  cancel: "Annuler",

  // ---- A client's « Facturation électronique » tab
  tabLabel: "Facturation électronique",
  heading: "Facturation électronique",
  paDesignation: "Désignation de la Plateforme Agréée",
  designationSince: "Désignation à partir du",
  designationEnd: "Fin de la désignation",
  registeredAt: "Inscrite à l'annuaire le",
  designationError: "Motif du refus",
  mandateHeading: "Mandat",
  mandateHelp:
    "Téléchargez le mandat prérempli, faites-le signer par le client et conservez-le au cabinet : il vous sera demandé en cas de contrôle. Le client y désigne la plateforme comme Plateforme Agréée et le cabinet comme mandataire.",
  downloadMandate: "Télécharger le modèle de mandat (PDF)",
  downloading: "Téléchargement…",
  mandateIncompleteTitle: "Le mandat sortira incomplet.",
  mandateIncomplete: (fields: string) =>
    `Ces informations ne sont pas configurées et resteront en blanc sur le mandat : ${fields}. Demandez à l'administrateur de la plateforme de les renseigner, ou complétez-les à la main avant signature.`,
  mandateFields: {
    platform_siren: "SIREN de l'opérateur de la plateforme",
    platform_registration_number: "numéro d'immatriculation de la plateforme",
    firm_address: "adresse du cabinet",
  } as Record<string, string>,
  activationHeading: "Activer la facturation électronique",
  activationHelp:
    "La plateforme sera désignée comme Plateforme Agréée du client dans l'annuaire national, avec le cabinet comme mandataire.",
  activate: "Activer",
  activating: "Activation…",
  deregister: "Désinscrire",
  deregisterHeading: "Désinscription",
  deregisterHelp:
    "Met fin, dans l'annuaire, à la désignation de la plateforme comme Plateforme Agréée de ce client.",
  deregistrationRequested: (date: string) => `Demandée, fin au ${date}`,
  deregisterTitle: "Désinscrire ce client ?",
  deregisterBody: (name: string) =>
    `La désignation de la plateforme comme Plateforme Agréée de « ${name} » prendra fin aujourd'hui : ses factures électroniques ne vous parviendront plus.`,
  historyHeading: "Historique de la facturation électronique",
  historyCaption: "Changements de la désignation, du plus récent au plus ancien",
  historyEmpty: "Aucun changement pour le moment.",
  historyBy: "par",
  actorSystem: "le système",

  // ---- Certification (bulk and per client)
  certificationLegend: "Certification du mandat",
  certificationRequired: "Cochez la certification pour activer.",
  certificationVersion: (version: string) => `Version ${version} du texte de certification.`,

  // ---- Bulk activation
  bulkAction: "Activer la facturation électronique",
  bulkTitle: (count: number) =>
    `Activer la facturation électronique de ${count > 1 ? `${count} clients` : "1 client"}`,
  bulkBody:
    "Chaque client est inscrit à l'annuaire national : la plateforme devient sa Plateforme Agréée, le cabinet agit comme son mandataire. L'inscription se poursuit en arrière-plan.",
  jobHeading: "Inscription à l'annuaire",
  jobProgressLabel: "Progression de l'inscription",
  jobCounts: (done: number, total: number) => `${done} sur ${total} traité${done > 1 ? "s" : ""}`,
  jobPending: "En cours",
  jobRegistered: "Inscrits",
  jobAlreadyDone: "Déjà inscrits ou en cours",
  jobErrors: "En erreur",
  jobRefused: "Refusés d'emblée",
  jobDone: "Inscription terminée.",
  jobRunning: "Inscription en cours…",
  jobErrorsCaption: "Inscriptions en erreur",
} as const;
