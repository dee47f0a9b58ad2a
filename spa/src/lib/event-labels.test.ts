import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EVENT_LABELS, eventLabel } from "./event-labels";

const apiRoot = resolve(import.meta.dirname, "../../../api");

function pythonSources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return pythonSources(path);
    return name.endsWith(".py") ? [readFileSync(path, "utf8")] : [];
  });
}

// The audit actions the API records, as string literals in its sources (`"client.invited"`).
// A table name's column (`clients.id`), a file (`device.json`) or a module path is no action.
const CATEGORIES = [
  "auth",
  "device",
  "membership",
  "member",
  "client",
  "clients",
  "einvoicing",
  "document",
  "folder",
  "api_key",
  "webhook",
  "firm",
  "registration",
  "mandates",
  "support",
  "flows",
  "invoice",
];
// Outbox message kinds and settings share the shape: they are no audit action.
const NOT_ACTIONS = new Set([
  "device.json",
  "einvoicing.directory",
  "flows.validate",
  "flows.webhook",
  "invoice.status_changed", // a webhook event, not an audit action
  "mandates.reminder",
]);

function apiActions(): string[] {
  const pattern = new RegExp(`"((?:${CATEGORIES.join("|")})\\.[a-z_]+(?:\\.[a-z_]+)?)"`, "g");
  const found = new Set<string>();
  for (const source of pythonSources(apiRoot)) {
    for (const match of source.matchAll(pattern)) {
      const action = match[1]!;
      if (!action.endsWith(".id") && !NOT_ACTIONS.has(action)) found.add(action);
    }
  }
  return [...found].sort();
}

describe("event labels", () => {
  it("has a French label for every action the API records", () => {
    const actions = apiActions();
    expect(actions.length).toBeGreaterThan(40);
    expect(actions.filter((action) => !(action in EVENT_LABELS))).toEqual([]);
  });

  it("never shows a raw key, even for an action the table does not know yet", () => {
    expect(eventLabel("client.invited")).toBe("Invitation envoyée au client");
    expect(eventLabel("client.archived")).toBe("Client : autre action");
    expect(eventLabel("flows.something")).not.toContain("flows.");
  });
});
