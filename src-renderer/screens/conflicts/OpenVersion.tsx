import { useEffect, useState } from 'react';
import type { ConflictInfo, VersionInfo } from '../../../src-shared/ipc/contract.js';
import { useAppStore } from '../../store/StoreContext.js';
import { versionName } from './conflictWords.js';

/**
 * "Open" for a version the screen can't show: the file in the folder for the version there, its
 * conflict copy for the others (both are files of the folder). The desktop app opens it in its
 * app, a browser downloads its bytes ("Download"): the Files screen's `openFile`. A failure is
 * said here, beside the button, not on the Files screen where `openFile` would put it.
 */
export function OpenVersion({
  conflict,
  version,
}: {
  conflict: ConflictInfo;
  version: VersionInfo;
}) {
  const desktop = useAppStore((s) => s.fileActions.desktop);
  const result = useAppStore((s) => s.fileActions.result);
  const openFile = useAppStore((s) => s.openFile);
  const dismiss = useAppStore((s) => s.dismissFileResult);
  // This button asked: the result `openFile` leaves is this one's to show (and to clear).
  const [asked, setAsked] = useState(false);
  useEffect(() => (asked ? dismiss : undefined), [asked, dismiss]);
  const where = version.winner ? conflict.path : version.copyPath;
  if (where === null) return null;
  const verb = desktop ? 'Open' : 'Download';
  const problem = asked && result?.kind === 'error' ? result.text : null;

  const open = () => {
    dismiss();
    setAsked(true);
    void openFile(where);
  };

  return (
    <>
      <button
        type="button"
        aria-label={`${verb} ${versionName(version.device, version.side)}`}
        onClick={open}
      >
        {verb}
      </button>
      {problem !== null && (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}
