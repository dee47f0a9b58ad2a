import { ClientDetailPage, ClientsPage, type ClientsBulkAction, type ClientTab } from "@/features/clients";
import {
  BulkActivationForm,
  BulkActivationProgress,
  ClientEinvoicingPanel,
  einvoicingText,
} from "@/features/einvoicing";
import { FlowsPanel } from "@/features/flows";
import { ClientMandatePanel, MandateBulkForm, mandatesText, type MandateBulkAction } from "@/features/mandates";
import { useSearchParams } from "react-router";
import { InvoicesPanel, invoicesText } from "@/features/invoices";
import { useCan } from "@/lib/permissions";
import { shellText } from "./text";

// The e-invoicing screens are a feature of their own; the clients screens show them through
// these two compositions (features never import one another).

const einvoicingActivation: ClientsBulkAction = {
  key: "einvoicing",
  label: einvoicingText.bulkAction,
  title: einvoicingText.bulkTitle,
  form: ({ selection, onCancel, onDone }) => (
    <BulkActivationForm
      selection={selection}
      onCancel={onCancel}
      onDone={(results, jobId) =>
        onDone({ results, details: (nameOf) => <BulkActivationProgress jobId={jobId} nameOf={nameOf} /> })
      }
    />
  ),
};

// Sending and withdrawing mandates on a selection, offered once the list is filtered on a
// funnel stage (« Mandat »): one result per client, every client of the filter included.
const mandateBulkAction = (action: MandateBulkAction): ClientsBulkAction => ({
  key: `mandate-${action}`,
  label: mandatesText.bulkActions[action],
  title: mandatesText.bulkTitles[action],
  form: ({ selection, onCancel, onDone }) => (
    <MandateBulkForm
      action={action}
      clientIds={selection.ids}
      onCancel={onCancel}
      onDone={(results) => onDone({ results })}
    />
  ),
});
const mandateBulkActions = [mandateBulkAction("send"), mandateBulkAction("withdraw")];

const einvoicingTab: ClientTab = {
  path: "facturation",
  label: einvoicingText.tabLabel,
  render: (client) => (
    <ClientEinvoicingPanel client={{ id: client.id, siren: client.siren, legalName: client.legal_name }} />
  ),
};

// The client's mandate signed online: its funnel stage, evidence and actions.
const mandateTab: ClientTab = {
  path: "mandat",
  label: mandatesText.tabLabel,
  render: (client) => <ClientMandatePanel clientId={client.id} siren={client.siren} />,
};

// The client's e-invoice flows, shown to who reads its documents.
const flowsTab: ClientTab = {
  path: "flux",
  label: shellText.clientFlowsTab,
  render: (client) => <FlowsPanel clientId={client.id} />,
};

// The client's invoices, received and issued, to who reads its documents.
const receivedInvoicesTab: ClientTab = {
  path: "factures-recues",
  label: invoicesText.headings.received,
  render: (client) => <InvoicesPanel direction="received" clientId={client.id} />,
};

const issuedInvoicesTab: ClientTab = {
  path: "factures-emises",
  label: invoicesText.headings.issued,
  render: (client) => <InvoicesPanel direction="issued" clientId={client.id} />,
};

/** « Clients », with the bulk e-invoicing activation for those who may (`einvoicing:manage`),
 * and the mandates' sending and withdrawal when the « Mandat » filter is set. */
export function ClientsScreen() {
  const can = useCan();
  const [searchParams] = useSearchParams();
  const actions: ClientsBulkAction[] = [];
  if (can("einvoicing:manage")) {
    actions.push(einvoicingActivation);
    if (searchParams.get("mandat")) actions.push(...mandateBulkActions);
  }
  return <ClientsPage extraBulkActions={actions} />;
}

/** A client's file, with its « Facturation électronique », « Mandat » and « Flux » tabs for
 * those who may. */
export function ClientDetailScreen() {
  const can = useCan();
  const tabs: ClientTab[] = [];
  if (can("einvoicing:manage")) tabs.push(einvoicingTab, mandateTab);
  if (can("documents:read")) tabs.push(receivedInvoicesTab, issuedInvoicesTab, flowsTab);
  return <ClientDetailPage extraTabs={tabs} />;
}
