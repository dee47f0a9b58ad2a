/** The permissions (as `GET /api/v1/me` lists them) the clients screens read. */
export const ClientPermission = {
  READ: "clients:read",
  MANAGE: "clients:manage",
  /** The collaborator pickers list the firm's Comptables. */
  MEMBERS_READ: "members:read",
  /** The « Historique » tab reads the audit trail. */
  AUDIT_READ: "audit:read",
  /** Certification, activation, deregistration and the e-invoicing tab's data. */
  EINVOICING_MANAGE: "einvoicing:manage",
  /** The « Flux » tab lists the client's e-invoice flows, shown to who reads its documents. */
  DOCUMENTS_READ: "documents:read",
} as const;
