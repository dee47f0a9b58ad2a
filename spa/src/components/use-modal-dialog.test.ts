import { describe, expect, it, vi } from "vitest";
import { closedByBrowser, showModalWhen, type NativeDialog } from "./use-modal-dialog";

/** A stand-in for a <dialog> element: showModal() and close() flip `open`, as the browser's do. */
function fakeDialog({ open }: { open: boolean }) {
  const dialog = {
    open,
    showModal: vi.fn(() => {
      dialog.open = true;
    }),
    close: vi.fn(() => {
      dialog.open = false;
    }),
  } satisfies NativeDialog;
  return dialog;
}

describe("a native modal dialog driven by React's state", () => {
  it("opens as a modal when the state opens it", () => {
    const dialog = fakeDialog({ open: false });
    showModalWhen(dialog, true);
    expect(dialog.showModal).toHaveBeenCalledOnce();
    expect(dialog.open).toBe(true);
  });

  it("closes when the state closes it", () => {
    const dialog = fakeDialog({ open: true });
    showModalWhen(dialog, false);
    expect(dialog.close).toHaveBeenCalledOnce();
    expect(dialog.open).toBe(false);
  });

  it("leaves an already open dialog alone (showModal() would throw on it)", () => {
    const dialog = fakeDialog({ open: true });
    showModalWhen(dialog, true);
    expect(dialog.showModal).not.toHaveBeenCalled();
    expect(dialog.close).not.toHaveBeenCalled();
  });

  it("tells the caller when the browser closes it (Escape)", () => {
    const onClose = vi.fn();
    closedByBrowser(true, onClose);
    expect(onClose).toHaveBeenCalledOnce();
  });

  it("does not report again a close the state asked for", () => {
    const onClose = vi.fn();
    closedByBrowser(false, onClose);
    expect(onClose).not.toHaveBeenCalled();
  });
});
