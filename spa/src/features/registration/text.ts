export const registrationText = {
  pageTitle: "Inscription de votre cabinet",
  missingSecret:
    "Ce lien d'inscription est incomplet. Reprenez l'inscription depuis le début avec votre SSO professionnel.",
  loading: "Chargement de votre inscription…",
  ssoRefused: "Votre SSO professionnel n'a pas pu confirmer votre identité. Recommencez l'inscription.",
  welcome: (givenName: string, familyName: string) =>
    `Bienvenue, ${givenName} ${familyName}. Encore quelques étapes pour ouvrir l'espace de votre cabinet sur Comptoir.`,
  restart: "Recommencer l'inscription",
  restartUrl: "/api/v1/registration/sso/start",
  stepsLabel: "Étapes de l'inscription",
  steps: {
    sso: "Connexion avec votre SSO professionnel",
    siren: "SIREN du cabinet",
    device: "Enrôlement de votre téléphone",
    identity: "Vérification de votre identité",
    firm: "Ouverture du cabinet",
  },
  stepStates: { done: "terminé", current: "en cours", upcoming: "à venir" },
  factsHeading: "Votre inscription",
  person: "Expert-comptable",
  email: "Adresse e-mail",
  siren: "SIREN",
  sirenFromSso: "transmis par votre SSO",
  firmName: "Cabinet",
  address: "Adresse",
  validUntil: "Inscription valable jusqu'au",
  notProvided: "À indiquer",
  // Step: SIREN.
  sirenHeading: "Indiquez le SIREN de votre cabinet",
  sirenHelp:
    "Votre SSO ne l'a pas transmis. Nous retrouvons le nom et l'adresse du cabinet dans le registre des entreprises.",
  sirenLabel: "SIREN",
  sirenHint: "9 chiffres, par exemple 732 829 320 (les espaces sont ignorés).",
  sirenInvalid: "Le SIREN compte 9 chiffres.",
  sirenSubmit: "Continuer",
  sirenSubmitting: "Recherche au registre…",
  // Step: enroll the phone.
  enrollHeading: "Scannez ce code avec l'application Comptoir",
  enrollSteps: [
    "Installez l'application Comptoir sur votre téléphone.",
    "Ouvrez-la et scannez ce code : votre téléphone reçoit une clé de sécurité qui ne le quitte jamais.",
    "L'application vous demandera ensuite de scanner votre carte d'identité ou votre passeport.",
  ],
  qrAlt: "Code QR d'enrôlement à scanner avec l'application mobile Comptoir",
  qrValidUntil: (date: string) => `Ce code est valable jusqu'au ${date}.`,
  waitingForApp: "En attente du scan par l'application…",
  enrollLinkHelp: "Vous lisez cette page sur votre téléphone ?",
  enrollLink: "Ouvrir le lien d'enrôlement",
  // Step: identity, in the app.
  identityHeading: "Continuez dans l'application",
  identityHelp:
    "Votre téléphone est enrôlé. Dans l'application, scannez la bande de lecture automatique (MRZ) de votre carte d'identité ou de votre passeport : elle est comparée à l'identité transmise par votre SSO.",
  waitingForIdentity: "En attente de la vérification de votre identité…",
  // Completed.
  completedHeading: "Votre cabinet est ouvert",
  completedHelp: (firm: string) =>
    `${firm} existe désormais sur Comptoir, et vous en êtes le propriétaire avec tous les rôles.`,
  login: "Se connecter",
  // Restart.
  restartHeading: "Ce lien n'est plus valable",
  restartHelp:
    "Le délai de l'inscription ou du code d'enrôlement est dépassé. Recommencez la connexion avec votre SSO professionnel : les informations déjà vérifiées seront reprises.",
  // What comes next.
  nextHeading: "Et ensuite ?",
  next: [
    "Une fois votre identité vérifiée, le cabinet est créé et vous en devenez le propriétaire.",
    "Vous vous connectez à Comptoir sur ordinateur en scannant un code QR avec votre téléphone : aucun mot de passe.",
    "Dans « Utilisateurs », invitez vos collaborateurs : Administrateurs, Gestionnaires de clients et Comptables.",
    "Dans « Clients », ajoutez vos clients ou importez-les depuis Excel, puis activez leur facturation électronique.",
  ],
} as const;
