import type { FirmRole, MemberStatus } from "./api/list-members";

export const membersText = {
  pageTitle: "Utilisateurs",
  intro: "Les collaborateurs du cabinet, leurs rôles et leur accès. Les rôles se cumulent.",
  invite: "Inviter un collaborateur",
  filtersLabel: "Filtrer les utilisateurs",
  search: "Rechercher",
  searchPlaceholder: "Nom ou adresse e-mail",
  role: "Rôle",
  allRoles: "Tous les rôles",
  status: "Statut",
  allStatuses: "Tous les statuts",
  caption: "Utilisateurs du cabinet",
  name: "Nom",
  roles: "Rôles",
  addedOn: "Ajouté le",
  actions: "Actions",
  you: "Vous",
  loading: "Chargement des utilisateurs…",
  empty: "Aucun utilisateur ne correspond à ces critères.",
  invitationExpired: "Invitation expirée",
  invitationUntil: (date: string) => `Invitation valable jusqu'au ${date}`,
  noInvitation: "Aucune invitation en cours",
  roleNames: {
    owner: "Propriétaire",
    admin: "Administrateur",
    client_manager: "Gestionnaire de clients",
    accountant: "Comptable",
    company_user: "Utilisateur de l'entreprise",
  } as Record<string, string>,
  roleDescriptions: {
    owner: "Tous les droits, y compris nommer un autre propriétaire.",
    admin: "Gère les utilisateurs, les extensions et le journal d'audit. N'accède pas aux documents.",
    client_manager:
      "Crée et suit les clients : invitations, abonnements, mandats. Ne voit jamais les documents.",
    accountant: "Accède aux documents des clients qui lui sont affectés, et seulement à ceux-là.",
  } satisfies Record<FirmRole, string>,
  statuses: {
    active: "Actif",
    invited: "Invité",
    deactivated: "Désactivé",
  } satisfies Record<MemberStatus, string>,
  // Row actions, each named with the person for screen readers.
  rowActions: (name: string) => `Actions pour ${name}`,
  editRoles: "Modifier les rôles",
  deactivate: "Désactiver",
  reactivate: "Réactiver",
  remove: "Retirer du cabinet",
  resend: "Renvoyer l'invitation",
  revoke: "Annuler l'invitation",
  // The invitation form.
  inviteTitle: "Inviter un collaborateur",
  inviteHelp:
    "Il recevra par e-mail un lien à usage unique pour enrôler son téléphone, qui lui servira ensuite à se connecter.",
  firstName: "Prénom",
  lastName: "Nom",
  email: "Adresse e-mail",
  rolesLegend: "Rôles",
  rolesRequired: "Choisissez au moins un rôle.",
  required: "Champ obligatoire.",
  sendInvitation: "Envoyer l'invitation",
  sending: "Envoi…",
  cancel: "Annuler",
  // Editing roles.
  editRolesTitle: (name: string) => `Rôles de ${name}`,
  editRolesHelp: "Les nouveaux rôles s'appliquent dès sa prochaine action dans Comptoir.",
  save: "Enregistrer",
  saving: "Enregistrement…",
  // Confirmations.
  deactivateTitle: "Désactiver cet utilisateur ?",
  deactivateBody: (name: string) =>
    `${name} ne pourra plus accéder au cabinet et ses sessions ouvertes seront fermées immédiatement. Vous pourrez le réactiver à tout moment.`,
  reactivateTitle: "Réactiver cet utilisateur ?",
  reactivateBody: (name: string) => `${name} retrouvera l'accès au cabinet avec ses rôles actuels.`,
  removeTitle: "Retirer cet utilisateur du cabinet ?",
  removeBody: (name: string) =>
    `${name} perdra définitivement l'accès au cabinet. Son compte Comptoir est conservé s'il appartient à d'autres espaces. Pour le faire revenir, il faudra l'inviter de nouveau.`,
  resendTitle: "Renvoyer l'invitation ?",
  resendBody: (name: string, email: string) =>
    `Un nouveau lien sera envoyé à ${name} (${email}). Le lien précédent ne fonctionnera plus.`,
  revokeTitle: "Annuler l'invitation ?",
  revokeBody: (name: string) =>
    `Le lien envoyé à ${name} ne fonctionnera plus. Vous pourrez renvoyer une invitation plus tard.`,
  // What happened, announced politely.
  notices: {
    invited: (name: string, email: string) => `Invitation envoyée à ${name} (${email}).`,
    rolesChanged: (name: string) => `Rôles de ${name} mis à jour.`,
    deactivated: (name: string) => `${name} est désactivé.`,
    reactivated: (name: string) => `${name} est réactivé.`,
    removed: (name: string) => `${name} a été retiré du cabinet.`,
    resent: (name: string) => `Nouvelle invitation envoyée à ${name}.`,
    revoked: (name: string) => `Invitation de ${name} annulée.`,
  },
  readOnly: "Vous consultez la liste des utilisateurs ; seul un Administrateur peut la modifier.",
} as const;
