/**
 * Keyboard focus on the file list, kept across what takes the list away for a moment or ends in
 * a form that goes: opening a folder (the list shows "Loading" while the folder's first page
 * comes), a rename saved or cancelled, an Undo. Without it focus fell to the page's body and a
 * keyboard user had to tab back from the top.
 */

const LIST = '[data-testid="file-list"]';

/** The list had focus when it went away: the next list to mount takes it. */
let owed = false;

export const focusOwedToList = (): void => {
  owed = true;
};

/** Called by the list as it mounts: takes focus if it is owed. */
export function takeOwedFocus(list: HTMLElement | null): void {
  if (!owed || list === null) return;
  owed = false;
  list.focus();
}

/** Focus to the list now, if it is there (after a form closes, an Undo). */
export function focusList(): void {
  document.querySelector<HTMLElement>(LIST)?.focus();
}
