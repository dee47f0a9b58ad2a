/** The firms global-setup.ts creates with `comptoir firm create`, one per test file. */
export const E2E_FIRMS = {
  phone: {
    name: "Cabinet Martin & Associés",
    siren: "901234567",
    ownerEmail: "claire.martin@cabinet-martin.example",
    ownerFirstName: "Claire",
    ownerLastName: "Martin",
  },
  companion: {
    name: "Fiduciaire Leroy",
    siren: "802345678",
    ownerEmail: "paul.leroy@fiduciaire-leroy.example",
    ownerFirstName: "Paul",
    ownerLastName: "Leroy",
  },
  shell: {
    name: "Expertise Bernard",
    siren: "703456780",
    ownerEmail: "julie.bernard@expertise-bernard.example",
    ownerFirstName: "Julie",
    ownerLastName: "Bernard",
  },
  members: {
    name: "Cabinet Girard Conseil",
    siren: "604567891",
    ownerEmail: "antoine.girard@girard-conseil.example",
    ownerFirstName: "Antoine",
    ownerLastName: "Girard",
  },
  // Its SIREN is in the packaged SIRENE sample, so it can add itself as a client.
  clients: {
    name: "Cabinet Muller et Associés",
    siren: "926630427",
    ownerEmail: "anne.muller@cabinet-muller.example",
    ownerFirstName: "Anne",
    ownerLastName: "Muller",
  },
  documents: {
    name: "Cabinet Fontaine Expertise",
    siren: "505678912",
    ownerEmail: "marc.fontaine@fontaine-expertise.example",
    ownerFirstName: "Marc",
    ownerLastName: "Fontaine",
  },
  // company.e2e.ts: its client's contact signs in to the company's own space.
  company: {
    name: "Cabinet Roux Expertise",
    siren: "406789123",
    ownerEmail: "sophie.roux@roux-expertise.example",
    ownerFirstName: "Sophie",
    ownerLastName: "Roux",
  },
  // phone-workspaces.e2e.ts: in the packaged SIRENE sample as « CABINET BERNARD ET FILS », it
  // adds itself as a client, so its owner also works in that company space.
  workspaces: {
    name: "Bernard & Fils Expertise",
    siren: "158813998",
    ownerEmail: "hugo.bernard@bernard-fils.example",
    ownerFirstName: "Hugo",
    ownerLastName: "Bernard",
  },
  // help.e2e.ts: the « Assistance » panel, its articles, guided tours and support requests.
  help: {
    name: "Cabinet Lambert Conseil",
    siren: "307890129",
    ownerEmail: "louise.lambert@lambert-conseil.example",
    ownerFirstName: "Louise",
    ownerLastName: "Lambert",
  },
  // mandates.e2e.ts: sends mandates to three clients, one is signed on a phone.
  mandates: {
    name: "Cabinet Moreau Audit",
    siren: "307890103",
    ownerEmail: "ines.moreau@moreau-audit.example",
    ownerFirstName: "Inès",
    ownerLastName: "Moreau",
  },
  // layout.e2e.ts: every screen at a laptop's and a phone's size.
  layout: {
    name: "Cabinet Lefebvre & Associés Expertise Comptable",
    siren: "208901231",
    ownerEmail: "camille.lefebvre@lefebvre-expertise.example",
    ownerFirstName: "Camille",
    ownerLastName: "Lefebvre",
  },
  // journeys.e2e.ts: an accountant's day with the failures issue 16 found (double click, outage,
  // a revoked session, selecting every client of a filter).
  journeys: {
    name: "Cabinet Garnier Expertise",
    siren: "208901249",
    ownerEmail: "lucas.garnier@garnier-expertise.example",
    ownerFirstName: "Lucas",
    ownerLastName: "Garnier",
  },
  // flows.e2e.ts: its client's software deposits invoices through the Flow Service.
  flows: {
    name: "Cabinet Perrin Audit",
    siren: "208901264",
    ownerEmail: "agathe.perrin@perrin-audit.example",
    ownerFirstName: "Agathe",
    ownerLastName: "Perrin",
  },
  // invoices.e2e.ts: « Factures reçues / émises » between two of its clients.
  invoices: {
    name: "Cabinet Vasseur Conseil",
    siren: "208901272",
    ownerEmail: "ines.vasseur@vasseur-conseil.example",
    ownerFirstName: "Inès",
    ownerLastName: "Vasseur",
  },
  // mandate-phone.e2e.ts: its client's representative signs the mandate with their enrolled phone.
  mandatePhone: {
    name: "Cabinet Dumont Expertise",
    siren: "208901280",
    ownerEmail: "remi.dumont@dumont-expertise.example",
    ownerFirstName: "Rémi",
    ownerLastName: "Dumont",
  },
} as const;

export type E2eFirm = keyof typeof E2E_FIRMS;
