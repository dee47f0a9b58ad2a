import type { ReactNode } from "react";
import { Link, useParams } from "react-router";
import { PaStatusBadge } from "@/components/PaStatusBadge";
import { ProblemMessage } from "@/components/ProblemMessage";
import { useCan } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import { useClient, type ClientDetail } from "../../api/get-client";
import { clientsText } from "../../text";
import { ClientStatusBadge } from "../Badges";
import { CollaboratorsTab } from "./CollaboratorsTab";
import { HistoryTab } from "./HistoryTab";
import { InformationsTab } from "./InformationsTab";
import { SubscriptionTab } from "./SubscriptionTab";

/**
 * A tab another feature adds to the client's file (the e-invoicing tab): `app/` composes it, so
 * the clients feature never imports the feature that draws it.
 */
export interface ClientTab {
  /** The address segment: `/clients/:clientId/<path>`. */
  path: string;
  label: string;
  render: (client: ClientDetail) => ReactNode;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Tab {
  path: string;
  label: string;
  render: (client: ClientDetail) => ReactNode;
}

/** A client's file: identity and contact, Comptables, subscription, the added tabs, history. */
export function ClientDetailPage({ extraTabs = [] }: { extraTabs?: readonly ClientTab[] }) {
  const { clientId = "", tab: tabParam } = useParams();
  const can = useCan();
  // An address that holds no client id at all (`/clients/pas-un-uuid`) is a client not found,
  // not a form to correct: it never reaches the API.
  const wellFormed = UUID.test(clientId);
  const client = useClient(clientId, wellFormed);

  const tabs: Tab[] = [
    { path: "", label: clientsText.tabs.informations, render: (detail) => <InformationsTab client={detail} /> },
    { path: "collaborateurs", label: clientsText.tabs.collaborateurs, render: (detail) => <CollaboratorsTab client={detail} /> },
    { path: "abonnement", label: clientsText.tabs.abonnement, render: (detail) => <SubscriptionTab client={detail} /> },
    ...extraTabs,
  ];
  // « Historique » reads the audit trail, which only `audit:read` may.
  if (can("audit:read")) {
    tabs.push({ path: "historique", label: clientsText.tabs.historique, render: (detail) => <HistoryTab client={detail} /> });
  }
  const tab = tabs.find((candidate) => candidate.path === (tabParam ?? "")) ?? tabs[0]!;

  const notFound =
    !wellFormed || (client.error instanceof ApiProblem && (client.error.status === 404 || client.error.status === 422));
  if (notFound || client.error) {
    return (
      <>
        <p>
          <Link to="/clients">← {clientsText.detailBack}</Link>
        </p>
        {notFound ? (
          <>
            <h1>{clientsText.notFoundTitle}</h1>
            <p className="empty card">{clientsText.notFound}</p>
          </>
        ) : (
          client.error instanceof ApiProblem && <ProblemMessage problem={client.error} />
        )}
      </>
    );
  }
  if (client.isPending) return <p role="status">{clientsText.loading}</p>;
  const detail = client.data;

  return (
    <>
      <p>
        <Link to="/clients">← {clientsText.detailBack}</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{detail.legal_name}</h1>
          <p className="client-summary">
            <span className="numeric">
              {clientsText.siren} {detail.siren}
            </span>
            <ClientStatusBadge status={detail.status} invitation={detail.invitation_status} />
            <PaStatusBadge status={detail.pa_status} />
            {detail.is_firm_itself && <span className="tag tag--brand">{clientsText.firmItselfBadge}</span>}
          </p>
        </div>
      </div>
      <nav className="tabs" aria-label={clientsText.tabsLabel}>
        <ul>
          {tabs.map((candidate) => (
            <li key={candidate.path}>
              <Link
                to={candidate.path ? `/clients/${detail.id}/${candidate.path}` : `/clients/${detail.id}`}
                aria-current={candidate === tab ? "page" : undefined}
                className={candidate === tab ? "tabs__link tabs__link--active" : "tabs__link"}
              >
                {candidate.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section className="tab-panel" aria-labelledby="client-tab-heading">
        <h2 id="client-tab-heading" className="visually-hidden">
          {tab.label}
        </h2>
        {tab.render(detail)}
      </section>
    </>
  );
}
