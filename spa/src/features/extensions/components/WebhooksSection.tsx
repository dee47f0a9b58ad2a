import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { StatusIndicator } from "@/components/StatusIndicator";
import { TextField } from "@/components/TextField";
import { formatDate, formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useCreateWebhook } from "../api/create-webhook";
import { useDeleteWebhook } from "../api/delete-webhook";
import { useWebhooks, type Webhook, type WebhookEvent } from "../api/list-webhooks";
import { useRotateWebhookSecret } from "../api/rotate-webhook-secret";
import { useUpdateWebhook } from "../api/update-webhook";
import { extensionsText } from "../text";
import { Checkboxes } from "./Checkboxes";
import { SecretCreationDialog } from "./SecretCreationDialog";
import { SecretReveal } from "./SecretReveal";
import { WebhookDeliveries } from "./WebhookDeliveries";

const text = extensionsText.webhooks;
const ALL_EVENTS = Object.keys(extensionsText.eventNames) as WebhookEvent[];

export function WebhooksSection({ onNotice }: { onNotice: (message: string) => void }) {
  const webhooks = useWebhooks();
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState<{ title: string; secret: string } | null>(null);

  return (
    <section className="card" aria-labelledby="extensions-webhooks">
      <div className="section-header">
        <div>
          <h2 id="extensions-webhooks">{text.heading}</h2>
          <p className="muted">{text.help}</p>
        </div>
        <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
          {text.create}
        </button>
      </div>
      {webhooks.isPending && <p>{extensionsText.loading}</p>}
      {webhooks.error instanceof ApiProblem && <ProblemMessage problem={webhooks.error} />}
      {webhooks.data?.length === 0 && <p className="empty">{text.empty}</p>}
      {webhooks.data && webhooks.data.length > 0 && (
        <ul className="webhooks">
          {webhooks.data.map((webhook) => (
            <WebhookItem
              key={webhook.id}
              webhook={webhook}
              onNotice={onNotice}
              onSecret={(secret) => setRevealed({ title: text.rotatedTitle, secret })}
            />
          ))}
        </ul>
      )}
      <CreateWebhookDialog open={creating} onClose={() => setCreating(false)} />
      <ModalDialog open={revealed !== null} title={revealed?.title ?? ""} onClose={() => setRevealed(null)}>
        {revealed && <SecretReveal label={text.secretLabel} secret={revealed.secret} onDone={() => setRevealed(null)} />}
      </ModalDialog>
    </section>
  );
}

function WebhookItem({
  webhook,
  onNotice,
  onSecret,
}: {
  webhook: Webhook;
  onNotice: (message: string) => void;
  onSecret: (secret: string) => void;
}) {
  const update = useUpdateWebhook();
  const rotate = useRotateWebhookSecret();
  const remove = useDeleteWebhook();
  const [confirming, setConfirming] = useState<"rotate" | "remove" | null>(null);
  const [showDeliveries, setShowDeliveries] = useState(false);
  const paused = webhook.disabled_at !== null;
  const deliveriesId = `webhook-deliveries-${webhook.id}`;
  const label = (action: string) => text.actionLabel(action, webhook.url);
  const closeConfirmation = () => {
    setConfirming(null);
    rotate.reset();
    remove.reset();
  };
  const confirmation = confirming === "rotate" ? rotate : remove;

  return (
    <li className="webhook" data-testid="webhook">
      <div className="webhook__summary">
        <div className="webhook__target">
          <code className="webhook__url">{webhook.url}</code>
          {webhook.description && <span className="muted">{webhook.description}</span>}
        </div>
        <StatusIndicator
          status={paused ? "pending" : "up"}
          label={paused && webhook.disabled_at ? text.pausedSince(formatDate(webhook.disabled_at)) : text.active}
        />
      </div>
      <ul className="badges" aria-label={text.events}>
        {webhook.event_types.map((event) => (
          <li key={event} className="badge" title={event}>
            {extensionsText.eventNames[event as WebhookEvent] ?? event}
          </li>
        ))}
      </ul>
      <p className="muted">
        {extensionsText.createdOn} {formatDate(webhook.created_at)}
        {webhook.previous_secret_expires_at &&
          ` · ${text.previousSecretUntil(formatDateTime(webhook.previous_secret_expires_at))}`}
      </p>
      {update.error instanceof ApiProblem && <ProblemMessage problem={update.error} />}
      <div className="row-actions">
        <button
          type="button"
          className="button button--small"
          aria-expanded={showDeliveries}
          aria-controls={deliveriesId}
          onClick={() => setShowDeliveries(!showDeliveries)}
        >
          {showDeliveries ? text.hideDeliveries : text.showDeliveries}
        </button>
        <button
          type="button"
          className="button button--small"
          aria-label={label(paused ? text.resume : text.pause)}
          disabled={update.isPending}
          onClick={() =>
            update.mutate(
              { webhookId: webhook.id, changes: { enabled: paused } },
              { onSuccess: () => onNotice(paused ? text.notices.resumed(webhook.url) : text.notices.paused(webhook.url)) },
            )
          }
        >
          {paused ? text.resume : text.pause}
        </button>
        <button
          type="button"
          className="button button--small"
          aria-label={label(text.rotate)}
          onClick={() => setConfirming("rotate")}
        >
          {text.rotate}
        </button>
        <button
          type="button"
          className="button button--small button--danger"
          aria-label={label(text.remove)}
          onClick={() => setConfirming("remove")}
        >
          {text.remove}
        </button>
      </div>
      {showDeliveries && (
        <div id={deliveriesId}>
          <WebhookDeliveries webhook={webhook} onNotice={onNotice} />
        </div>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming === "rotate" ? text.rotateTitle : text.removeTitle}
        confirmLabel={confirming === "rotate" ? text.rotate : text.remove}
        tone={confirming === "rotate" ? "primary" : "danger"}
        pending={confirmation.isPending}
        onCancel={closeConfirmation}
        onConfirm={() => {
          if (confirming === "rotate") {
            rotate.mutate(webhook.id, {
              onSuccess: (rotated) => {
                closeConfirmation();
                onSecret(rotated.secret);
              },
            });
          } else {
            remove.mutate(webhook.id, {
              onSuccess: () => {
                closeConfirmation();
                onNotice(text.notices.removed(webhook.url));
              },
            });
          }
        }}
      >
        <p>{confirming === "rotate" ? text.rotateBody(text.rotateGrace) : text.removeBody(webhook.url)}</p>
        {confirmation.error instanceof ApiProblem && <ProblemMessage problem={confirmation.error} />}
      </ConfirmDialog>
    </li>
  );
}

function CreateWebhookDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateWebhook();
  return (
    <SecretCreationDialog open={open} text={text} creation={create} onClose={onClose}>
      {(close) => <CreateWebhookForm create={create} onCancel={close} />}
    </SecretCreationDialog>
  );
}

function CreateWebhookForm({ create, onCancel }: { create: ReturnType<typeof useCreateWebhook>; onCancel: () => void }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>([]);
  const [checked, setChecked] = useState(false);
  const problem = create.error instanceof ApiProblem ? create.error : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setChecked(true);
    if (!url.trim() || events.length === 0) return;
    create.mutate({ url: url.trim(), description: description.trim(), event_types: events });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField
        label={text.url}
        type="url"
        value={url}
        onChange={setUrl}
        placeholder={text.urlPlaceholder}
        autoComplete="off"
        required
        error={(checked && !url.trim() ? "Champ obligatoire." : undefined) ?? problem?.fieldError("/body/url")}
      />
      <TextField
        label={text.description}
        value={description}
        onChange={setDescription}
        maxLength={200}
        autoComplete="off"
      />
      <Checkboxes
        legend={text.events}
        options={ALL_EVENTS}
        labels={extensionsText.eventNames}
        selected={events}
        onChange={setEvents}
        error={checked && events.length === 0 ? text.eventsRequired : problem?.fieldError("/body/event_types")}
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
