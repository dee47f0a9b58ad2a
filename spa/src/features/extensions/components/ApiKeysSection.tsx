import { DateField } from "@/components/DateField";
import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { DataTable } from "@/components/DataTable";
import { ProblemMessage } from "@/components/ProblemMessage";
import { StatusIndicator, type Status } from "@/components/StatusIndicator";
import { TextField } from "@/components/TextField";
import { useConfirmedMutation } from "@/components/use-confirmed-mutation";
import { formatDate, formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useCreateApiKey } from "../api/create-api-key";
import { useMintableScopes } from "../api/mintable-scopes";
import { useApiKeys, type ApiKey, type ApiKeyScope } from "../api/list-api-keys";
import { useRevokeApiKey } from "../api/revoke-api-key";
import { extensionsText } from "../text";
import { Checkboxes } from "./Checkboxes";
import { SecretCreationDialog } from "./SecretCreationDialog";

const text = extensionsText.apiKeys;

// Every scope the contract names (the labels are checked complete against it).
const ALL_SCOPES = Object.keys(extensionsText.scopeNames) as ApiKeyScope[];

type KeyStatus = "active" | "revoked" | "expired";

function statusOf(key: ApiKey, now: number): KeyStatus {
  if (key.revoked_at) return "revoked";
  if (key.expires_at && Date.parse(key.expires_at) <= now) return "expired";
  return "active";
}

const STATUS_INDICATOR: Record<KeyStatus, Status> = { active: "up", revoked: "down", expired: "pending" };

export function ApiKeysSection({ onNotice }: { onNotice: (message: string) => void }) {
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const revocation = useConfirmedMutation(revoke, (key: ApiKey) => key.id, {
    onSuccess: (key) => onNotice(text.notices.revoked(key.name)),
  });
  const [creating, setCreating] = useState(false);
  const [now] = useState(Date.now);

  return (
    <section className="card" aria-labelledby="extensions-api-keys">
      <div className="section-header">
        <div>
          <h2 id="extensions-api-keys">{text.heading}</h2>
          <p className="muted">{text.help}</p>
        </div>
        <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
          {text.create}
        </button>
      </div>
      {keys.isPending && <p>{extensionsText.loading}</p>}
      {keys.error instanceof ApiProblem && <ProblemMessage problem={keys.error} />}
      {keys.data?.length === 0 && <p className="empty">{text.empty}</p>}
      {keys.data && keys.data.length > 0 && (
        <DataTable
          caption={text.caption}
          columns={[
            text.name,
            text.prefix,
            text.scopes,
            extensionsText.createdOn,
            text.expires,
            text.lastUsed,
            text.status,
            { label: extensionsText.actions, kind: "actions" },
          ]}
          data-testid="api-keys-table"
        >
          {keys.data.map((key) => {
            const status = statusOf(key, now);
            return (
              <tr key={key.id}>
                <td className="emphasis">{key.name}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>
                  <ul className="badges">
                    {key.scopes.map((scope) => (
                      <li key={scope} className="badge" title={scope}>
                        {extensionsText.scopeNames[scope]}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{formatDate(key.created_at)}</td>
                <td>{key.expires_at ? formatDate(key.expires_at) : extensionsText.none}</td>
                <td>
                  {key.last_used_at ? formatDateTime(key.last_used_at) : extensionsText.never}
                  {key.last_used_ip && <span className="muted cell__note">{text.lastUsedFrom(key.last_used_ip)}</span>}
                </td>
                <td>
                  <StatusIndicator status={STATUS_INDICATOR[status]} label={text.statuses[status]} />
                </td>
                <td>
                  {status !== "revoked" && (
                    <button
                      type="button"
                      className="button button--small button--danger"
                      aria-label={text.revokeLabel(key.name)}
                      onClick={() => revocation.ask(key)}
                    >
                      {text.revoke}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <CreateApiKeyDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog
        open={revocation.target !== null}
        title={text.revokeTitle}
        confirmLabel={text.revoke}
        pending={revoke.isPending}
        onCancel={revocation.close}
        onConfirm={revocation.confirm}
      >
        <p>{text.revokeBody(revocation.target?.name ?? "")}</p>
        {revoke.error instanceof ApiProblem && <ProblemMessage problem={revoke.error} />}
      </ConfirmDialog>
    </section>
  );
}

function CreateApiKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateApiKey();
  return (
    <SecretCreationDialog open={open} text={text} creation={create} onClose={onClose}>
      {(close) => <CreateApiKeyForm create={create} onCancel={close} />}
    </SecretCreationDialog>
  );
}

function CreateApiKeyForm({ create, onCancel }: { create: ReturnType<typeof useCreateApiKey>; onCancel: () => void }) {
  const mintable = useMintableScopes();
  const offered = mintable.data ?? [];
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [expiry, setExpiry] = useState("");
  const [checked, setChecked] = useState(false);
  const problem = create.error instanceof ApiProblem ? create.error : null;
  const [today] = useState(() => new Date().toISOString().slice(0, 10));
  const expiryPast = expiry !== "" && expiry < today;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setChecked(true);
    if (!name.trim() || scopes.length === 0 || expiryPast) return;
    create.mutate({
      name: name.trim(),
      scopes,
      // The chosen day, to its last second in the user's time zone.
      expires_at: expiry ? new Date(`${expiry}T23:59:59`).toISOString() : null,
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField
        label={text.name}
        value={name}
        onChange={setName}
        placeholder={text.namePlaceholder}
        maxLength={100}
        autoComplete="off"
        required
        error={(checked && !name.trim() ? "Champ obligatoire." : undefined) ?? problem?.fieldError("/body/name")}
      />
      <Checkboxes
        legend={text.scopesLegend}
        options={offered}
        labels={extensionsText.scopeNames}
        selected={scopes}
        onChange={setScopes}
        hint={offered.length < ALL_SCOPES.length ? text.scopesHidden : undefined}
        error={checked && scopes.length === 0 ? text.scopesRequired : problem?.fieldError("/body/scopes")}
      />
      <DateField
        label={text.expiry}
        hint={text.expiryHint}
        value={expiry || undefined}
        onChange={(day) => setExpiry(day ?? "")}
        error={expiryPast ? text.expiryPast : problem?.fieldError("/body/expires_at")}
      />
      {problem && problem.errors.length === 0 && <ProblemMessage problem={problem} />}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel} disabled={create.isPending}>
          {extensionsText.cancel}
        </button>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {create.isPending ? text.submitting : text.submit}
        </button>
      </div>
    </form>
  );
}
