import { useId, useState } from "react";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import type { DeviceMe } from "../api/get-device-me";
import { useSwitchDeviceWorkspace } from "../api/switch-device-workspace";
import { companionText } from "../text";

const text = companionText.workspace;

/**
 * For a person in several workspaces (a firm owner whose firm is also its own client, someone
 * in two firms): which one this phone's device session acts in. Nothing for a single workspace.
 * Once switched, the page's data is reset (api/switch-device-workspace.ts) and read again.
 */
export function DeviceWorkspaceSwitch({
  accessToken,
  me,
  onSwitched,
}: {
  accessToken: string;
  me: DeviceMe;
  onSwitched?: () => void;
}) {
  const ids = useId();
  const switchWorkspace = useSwitchDeviceWorkspace();
  const [switchedTo, setSwitchedTo] = useState<string | null>(null);
  if (me.workspaces.length < 2) {
    return null;
  }
  const label = (workspace: DeviceMe["workspaces"][number]) =>
    text.option(workspace.name, text.kinds[workspace.kind] ?? workspace.kind);

  return (
    <div className="card stack device-workspace">
      <div className="field">
        <label htmlFor={`${ids}-workspace`}>{text.label}</label>
        <select
          id={`${ids}-workspace`}
          aria-describedby={`${ids}-help`}
          data-testid="device-workspace"
          value={me.workspace?.id ?? ""}
          disabled={switchWorkspace.isPending}
          onChange={(event) => {
            const chosen = me.workspaces.find((workspace) => workspace.id === event.target.value);
            if (!chosen) return;
            setSwitchedTo(null);
            switchWorkspace.mutate(
              { accessToken, workspaceId: chosen.id },
              {
                onSuccess: () => {
                  setSwitchedTo(chosen.name);
                  onSwitched?.();
                },
              },
            );
          }}
        >
          {me.workspace === null && <option value="">{text.choose}</option>}
          {me.workspaces.map((workspace) => (
            <option key={workspace.id} value={workspace.id}>
              {label(workspace)}
            </option>
          ))}
        </select>
        <p id={`${ids}-help`} className="field__hint">
          {text.help}
        </p>
      </div>
      <div role="status">
        {switchWorkspace.isPending && <p>{text.switching}</p>}
        {switchedTo && !switchWorkspace.isPending && <p className="emphasis">{text.switched(switchedTo)}</p>}
      </div>
      {switchWorkspace.error instanceof ApiProblem && <ProblemMessage problem={switchWorkspace.error} />}
    </div>
  );
}
