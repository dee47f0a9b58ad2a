import { ClientDetailPage, ClientsPage, type ClientsBulkAction, type ClientTab } from "@/features/clients";
import {
  BulkActivationForm,
  BulkActivationProgress,
  ClientEinvoicingPanel,
  einvoicingText,
} from "@/features/einvoicing";
import { FlowsPanel } from "@/features/flows";
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

const einvoicingTab: ClientTab = {
  path: "facturation",
  label: einvoicingText.tabLabel,
  render: (client) => (
    <ClientEinvoicingPanel client={{ id: client.id, siren: client.siren, legalName: client.legal_name }} />
  ),
};

// The client's e-invoice flows, shown to who reads its documents.
const flowsTab: ClientTab = {
  path: "flux",
  label: shellText.clientFlowsTab,
  render: (client) => <FlowsPanel clientId={client.id} />,
};

/** « Clients », with the bulk e-invoicing activation for those who may (`einvoicing:manage`). */
export function ClientsScreen() {
  const can = useCan();
  return <ClientsPage extraBulkActions={can("einvoicing:manage") ? [einvoicingActivation] : []} />;
}

/** A client's file, with its « Facturation électronique » and « Flux » tabs for those who may. */
export function ClientDetailScreen() {
  const can = useCan();
  const tabs: ClientTab[] = [];
  if (can("einvoicing:manage")) tabs.push(einvoicingTab);
  if (can("documents:read")) tabs.push(flowsTab);
  return <ClientDetailPage extraTabs={tabs} />;
}
