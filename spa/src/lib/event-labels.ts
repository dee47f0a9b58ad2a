/**
 * One French label for every event the API records (its audit actions), shared by « Mon
 * compte », the phone's « Mon activité », the audit journal and the client's history tabs: a
 * person never reads a raw key such as `client.invited`. `event-labels.test.ts` reads the API's
 * sources and fails when an action has no label here.
 */
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  // Sign-in and sessions
  "auth.challenge.created": "Code QR de connexion affiché",
  "auth.challenge.approved": "Connexion approuvée depuis un appareil",
  "auth.challenge.denied": "Connexion refusée depuis un appareil",
  "auth.challenge.redeemed": "Connexion ouverte dans un navigateur",
  "auth.challenge.decision_refused": "Réponse à une connexion rejetée",
  "auth.challenge.redeem_refused": "Ouverture de connexion rejetée",
  "auth.challenge.replayed": "Réutilisation d'une connexion bloquée",
  "auth.device_session.created": "Session de l'application ouverte",
  "auth.device_session.refused": "Session de l'application refusée",
  "auth.refresh.reuse_detected": "Session fermée par sécurité (jeton réutilisé)",
  "auth.session.revoked": "Session fermée",
  "auth.session.workspace_switched": "Changement d'espace de travail",
  // Devices
  "device.enrolled": "Appareil enrôlé",
  "device.revoked": "Appareil révoqué",
  "membership.activated": "Accès activé (premier appareil enrôlé)",
  // The firm and its users
  "firm.created": "Cabinet créé",
  "member.invited": "Collaborateur invité",
  "member.invitation_resent": "Invitation d'un collaborateur renvoyée",
  "member.invitation_revoked": "Invitation d'un collaborateur annulée",
  "member.activated": "Collaborateur actif (appareil enrôlé)",
  "member.roles_changed": "Rôles modifiés",
  "member.deactivated": "Utilisateur désactivé",
  "member.reactivated": "Utilisateur réactivé",
  "member.removed": "Utilisateur retiré du cabinet",
  "member.owner_restored": "Propriétaire du cabinet rétabli",
  // Clients
  "client.created": "Client ajouté",
  "client.invited": "Invitation envoyée au client",
  "client.invitation_resent": "Invitation du client relancée",
  "client.invitation_withdrawn": "Invitation du client retirée",
  "client.activated": "Espace client activé",
  "client.assigned": "Comptable affecté au client",
  "client.unassigned": "Comptable retiré du client",
  "client.contact_updated": "Contact du client modifié",
  "client.subscription_changed": "Abonnement modifié",
  "clients.import_analysed": "Import de clients analysé",
  "clients.imported": "Clients importés",
  // E-invoicing
  "einvoicing.mandate_certified": "Mandat certifié",
  "einvoicing.activation_requested": "Activation de la facturation électronique demandée",
  "einvoicing.registered": "Inscrit à l'annuaire",
  "einvoicing.failed": "Inscription à l'annuaire en erreur",
  "einvoicing.deregistration_requested": "Désinscription demandée",
  "einvoicing.deregistered": "Désinscrit de l'annuaire",
  "einvoicing.deregistration_failed": "Désinscription en erreur",
  // Mandates sent for signature
  "mandates.sent": "Mandat envoyé pour signature",
  "mandates.opened": "Mandat ouvert par le client",
  "mandates.code_sent": "Code de signature envoyé",
  "mandates.signed": "Mandat signé",
  "mandates.refused": "Mandat refusé par le client",
  "mandates.reminded": "Relance de signature du mandat",
  "mandates.withdrawn": "Demande de mandat retirée",
  "mandates.locked": "Signature du mandat bloquée (trop d'essais)",
  "mandates.phone_asked": "Signature du mandat demandée sur le téléphone",
  "mandates.phone_approved": "Mandat signé sur le téléphone",
  "mandates.phone_denied": "Signature du mandat refusée sur le téléphone",
  "mandates.phone_refused": "Signature du téléphone rejetée (signature invalide)",
  // Support
  "support.request_created": "Demande d'assistance envoyée",
  // Documents and folders
  "document.created": "Document ajouté",
  "document.uploaded": "Document déposé",
  "document.updated": "Document modifié",
  "document.deleted": "Document supprimé",
  "folder.created": "Dossier créé",
  "folder.renamed": "Dossier renommé",
  "folder.moved": "Dossier déplacé",
  "folder.deleted": "Dossier supprimé",
  // Invoices received and issued (a person's or an integration's lifecycle action)
  "invoice.taken_charge": "Facture prise en charge",
  "invoice.approved": "Facture approuvée",
  "invoice.approved_partially": "Facture approuvée partiellement",
  "invoice.disputed": "Facture mise en litige",
  "invoice.suspended": "Facture suspendue",
  "invoice.refused": "Facture refusée",
  "invoice.payment_sent": "Paiement de la facture transmis",
  "invoice.completed": "Facture complétée",
  "invoice.cashed": "Facture encaissée",
  "invoice.cancelled": "Facture annulée",
  // Extensions
  "api_key.created": "Clé d'API créée",
  "api_key.revoked": "Clé d'API révoquée",
  "webhook.created": "Webhook ajouté",
  "webhook.updated": "Webhook modifié",
  "webhook.deleted": "Webhook supprimé",
  "webhook.secret_rotated": "Secret de webhook renouvelé",
  "webhook.redelivered": "Livraison de webhook renvoyée",
  // The firm's registration
  "registration.sso_started": "Inscription commencée (SSO)",
  "registration.sso_refused": "Inscription refusée par le SSO",
  "registration.sso_completed": "Connexion SSO réussie",
  "registration.siren_provided": "SIREN du cabinet indiqué",
  "registration.identity_rejected": "Vérification d'identité refusée",
  "registration.identity_verified": "Identité vérifiée",
};

// An action the table does not know yet (a newer API) still reads as French, never as a key.
const CATEGORY_LABELS: Readonly<Record<string, string>> = {
  auth: "Connexion",
  device: "Appareil",
  member: "Utilisateur",
  membership: "Utilisateur",
  client: "Client",
  clients: "Clients",
  einvoicing: "Facturation électronique",
  document: "Document",
  folder: "Dossier",
  api_key: "Clé d'API",
  webhook: "Webhook",
  firm: "Cabinet",
  registration: "Inscription",
  mandates: "Mandat",
  support: "Assistance",
  flows: "Flux",
  invoice: "Facture",
};

/** The French label of an event key (`client.invited` → « Invitation envoyée au client »). */
export function eventLabel(action: string): string {
  const label = EVENT_LABELS[action];
  if (label) return label;
  const category = CATEGORY_LABELS[action.split(".", 1)[0] ?? ""];
  return category ? `${category} : autre action` : "Autre action";
}
