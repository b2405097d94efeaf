/**
 * Page-level kiosk lockdown: no text selection, no context menu, no zoom (pinch, ctrl+wheel,
 * ctrl +/-/0). The window itself (full screen, no menu, zoom limits) is locked down by main.
 * CSS for `html.kiosk-locked` lives in shared/styles/base.css.
 */
export const KIOSK_LOCKED_CLASS = 'kiosk-locked';

const ZOOM_KEYS = new Set(['+', '=', '-', '_', '0']);

export function installKioskLockdown(win: Window = window): () => void {
  const root = win.document.documentElement;
  root.classList.add(KIOSK_LOCKED_CLASS);

  const block = (event: Event): void => event.preventDefault();
  /** Text fields keep selection (later forms on the on-screen keyboard need it). */
  const blockSelection = (event: Event): void => {
    const target = event.target as Element | null;
    if (target && typeof target.closest === 'function' && target.closest('input, textarea, [contenteditable="true"]')) return;
    event.preventDefault();
  };
  const blockZoomWheel = (event: WheelEvent): void => {
    if (event.ctrlKey) event.preventDefault();
  };
  const blockZoomKeys = (event: KeyboardEvent): void => {
    if ((event.ctrlKey || event.metaKey) && ZOOM_KEYS.has(event.key)) event.preventDefault();
  };
  const blockMultiTouch = (event: TouchEvent): void => {
    if (event.touches.length > 1) event.preventDefault();
  };

  win.addEventListener('contextmenu', block, { capture: true });
  win.addEventListener('selectstart', blockSelection, { capture: true });
  win.addEventListener('dragstart', block, { capture: true });
  win.addEventListener('gesturestart', block, { capture: true });
  win.addEventListener('wheel', blockZoomWheel, { capture: true, passive: false });
  win.addEventListener('keydown', blockZoomKeys, { capture: true });
  win.addEventListener('touchmove', blockMultiTouch, { capture: true, passive: false });

  return () => {
    root.classList.remove(KIOSK_LOCKED_CLASS);
    win.removeEventListener('contextmenu', block, { capture: true });
    win.removeEventListener('selectstart', blockSelection, { capture: true });
    win.removeEventListener('dragstart', block, { capture: true });
    win.removeEventListener('gesturestart', block, { capture: true });
    win.removeEventListener('wheel', blockZoomWheel, { capture: true });
    win.removeEventListener('keydown', blockZoomKeys, { capture: true });
    win.removeEventListener('touchmove', blockMultiTouch, { capture: true });
  };
}
