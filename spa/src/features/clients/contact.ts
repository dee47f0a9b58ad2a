/** The client's contact as typed in a form: the person the invitations go to. */
export interface ContactDraft {
  first: string;
  last: string;
  email: string;
}

export const emptyContact: ContactDraft = { first: "", last: "", email: "" };

/** The contact as the API takes it, when adding a client or changing its contact: trimmed, a blank is none. */
export function contactBody(contact: ContactDraft) {
  return {
    contact_first_name: contact.first.trim() || null,
    contact_last_name: contact.last.trim() || null,
    contact_email: contact.email.trim() || null,
  };
}
