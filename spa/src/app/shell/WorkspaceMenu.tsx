import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";
import type { NavigationItem } from "../navigation";
import { shellText } from "../text";

/**
 * « Gérer l'espace de travail »: a disclosure of links (WAI-ARIA disclosure navigation pattern,
 * simpler and more robust for links than role="menu"). Escape closes it and returns focus to
 * the button; so does a click elsewhere or following a link.
 */
export function WorkspaceMenu({ items }: { items: NavigationItem[] }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const containerRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const closeOnOutsideClick = (event: PointerEvent) => {
      if (!containerRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener("pointerdown", closeOnOutsideClick);
    document.addEventListener("keydown", closeOnEscape);
    return () => {
      document.removeEventListener("pointerdown", closeOnOutsideClick);
      document.removeEventListener("keydown", closeOnEscape);
    };
  }, [open]);

  return (
    <div className="workspace-menu" ref={containerRef}>
      <button
        ref={buttonRef}
        type="button"
        className="workspace-menu__button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
      >
        {shellText.manageWorkspace}
        <span className="workspace-menu__chevron" aria-hidden="true" />
      </button>
      <div id={panelId} className="workspace-menu__panel" hidden={!open}>
        {items.length === 0 ? (
          <p className="workspace-menu__empty">{shellText.manageWorkspaceEmpty}</p>
        ) : (
          <ul>
            {items.map((item) => (
              <li key={item.to}>
                <Link to={item.to} onClick={() => setOpen(false)}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
