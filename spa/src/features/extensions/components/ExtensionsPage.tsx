import { useState } from "react";
import { extensionsText } from "../text";
import { ApiKeysSection } from "./ApiKeysSection";
import { WebhooksSection } from "./WebhooksSection";

/** « Extensions » (extensions:manage): API keys and webhooks of the workspace. */
export function ExtensionsPage() {
  const [notice, setNotice] = useState("");
  return (
    <>
      <h1>{extensionsText.pageTitle}</h1>
      <p className="lead">{extensionsText.intro}</p>
      {/* Always in the page, so screen readers announce what it says next. */}
      <p className={notice ? "notice notice--success" : "visually-hidden"} role="status">
        {notice}
      </p>
      <div className="stack">
        <ApiKeysSection onNotice={setNotice} />
        <WebhooksSection onNotice={setNotice} />
      </div>
    </>
  );
}
