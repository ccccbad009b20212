import { useState } from 'react';
import type { ConflictInfo, VersionInfo } from '../../../src-shared/ipc/contract.js';
import { useAppStore } from '../../store/StoreContext.js';
import { versionName } from './conflictWords.js';

/**
 * "Open" for a version the screen can't show: the file in the folder for the version there, its
 * conflict copy for the others, shown in the system's file manager (`folder:open`), where the
 * person opens it with the app it needs. Where there is no file manager, says so in words.
 */
export function OpenVersion({
  conflict,
  version,
}: {
  conflict: ConflictInfo;
  version: VersionInfo;
}) {
  const openFolder = useAppStore((s) => s.openFolder);
  const [problem, setProblem] = useState<string | null>(null);
  const where = version.winner ? conflict.path : version.copyPath;
  if (where === null) return null;
  return (
    <>
      <button
        type="button"
        aria-label={`Open ${versionName(version.device, version.side)}`}
        onClick={() => void openFolder(where).then(setProblem)}
      >
        Open
      </button>
      {problem !== null && (
        <p className="muted" role="status">
          {problem} It is in the synced folder as <code>{where}</code>.
        </p>
      )}
    </>
  );
}
