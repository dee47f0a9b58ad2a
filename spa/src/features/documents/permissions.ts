/** The permissions (as `GET /api/v1/me` lists them) the documents screens read. */
export const DocumentPermission = {
  READ: "documents:read",
  /** Upload, delete. */
  WRITE: "documents:write",
} as const;
