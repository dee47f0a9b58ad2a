import { useSyncExternalStore } from "react";

// A touch screen as the main pointer is what makes "this phone" the likely device, whatever
// the window's width (a desktop window can be narrow, a tablet wide).
const COARSE_POINTER = "(pointer: coarse)";

function subscribe(onChange: () => void) {
  const query = window.matchMedia(COARSE_POINTER);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

export function useIsPhone(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(COARSE_POINTER).matches);
}
