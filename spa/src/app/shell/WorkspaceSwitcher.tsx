import { useId } from "react";
import { ProblemMessage } from "@/components/ProblemMessage";
import { useSwitchWorkspace } from "@/features/account";
import { ApiProblem } from "@/lib/problem";
import { workspaceLabels } from "@/lib/workspace-label";
import { shellText } from "../text";
import type { CurrentWorkspace } from "../workspace";

/** For people in several workspaces (a firm and a client company, two firms): switch the session. */
export function WorkspaceSwitcher({ workspace }: { workspace: CurrentWorkspace }) {
  const switchWorkspace = useSwitchWorkspace();
  const labelId = useId();
  const labels = workspaceLabels(workspace.workspaces);
  return (
    <span className="workspace-switcher">
      <label id={labelId} className="visually-hidden" htmlFor={`${labelId}-select`}>
        {shellText.switchWorkspace}
      </label>
      <select
        id={`${labelId}-select`}
        data-testid="workspace-switcher"
        value={workspace.id ?? ""}
        disabled={switchWorkspace.isPending}
        onChange={(event) => switchWorkspace.mutate(event.target.value)}
      >
        {workspace.id === null && <option value="">{shellText.defaultWorkspaceName}</option>}
        {workspace.workspaces.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {labels.get(choice.id) ?? choice.name}
          </option>
        ))}
      </select>
      {switchWorkspace.error instanceof ApiProblem && <ProblemMessage problem={switchWorkspace.error} />}
    </span>
  );
}
