/**
 * "Page load to file list" ends once per page load, when the list first shows what the folder
 * holds: its first real rows, or the empty state of an empty folder. The e2e tests and the UI
 * bench wait for this DOM event instead of timers.
 */
let announced = false;

export function announceFilesRendered(total: number): void {
  if (announced) return;
  announced = true;
  window.dispatchEvent(new CustomEvent('netguardian:files-rendered', { detail: { total } }));
}
