/**
 * The name of a conflict copy: deterministic from the losing version alone
 * (its device and wall time), so every device that sees the same conflict
 * writes the same copy, e.g. `report.conflict-laptop-20261126-052540.pdf`.
 */
export function conflictCopyPath(
  entityId: string,
  loser: { nodeId: string; timestamp: string },
): string {
  const slash = entityId.lastIndexOf('/');
  const dir = slash >= 0 ? entityId.slice(0, slash + 1) : '';
  const name = entityId.slice(slash + 1);
  // A leading dot is part of the name (".bashrc"), not an extension.
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return `${dir}${stem}.conflict-${loser.nodeId}-${compactUtc(loser.timestamp)}${ext}`;
}

/** `2026-11-26T05:25:40.123Z` → `20261126-052540` (UTC, so devices in other zones agree). */
function compactUtc(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

const CONFLICT_COPY = /\.conflict-[A-Za-z0-9._-]+-\d{8}-\d{6}(\.[^./]*)?$/;

/** Whether a path is itself a conflict copy (the watcher must not treat it as a new conflict source). */
export const isConflictCopyPath = (entityId: string): boolean => CONFLICT_COPY.test(entityId);
