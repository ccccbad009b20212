import { describe, expect, it } from 'vitest';
import { decideAttach, type AttachFacts } from './folderAttach.js';

/**
 * `folder attach`'s decision: a folder at the path without the synced folder's marker is taken
 * back only when it looks like the synced folder, unless forced; a folder not there never.
 */

const FOLDER = '/home/ada/Photos';
const HINT =
  'if it is the synced folder all the same, run `netguardian folder attach --force` (nothing is deleted either way)';

/** The synced folder, its marker gone, every file still there. */
const intact: AttachFacts = {
  problem: 'marker-missing',
  entries: 5,
  indexedFiles: 10,
  missingFiles: 0,
  storeEntries: 14,
  hasHub: true,
};

describe('decideAttach', () => {
  it('attaches the folder when its files are there', () => {
    expect(decideAttach(intact, FOLDER, false)).toEqual({
      outcome: 'attached',
      refusal: null,
      message: 'attached /home/ada/Photos as the synced folder',
      indexedFiles: 10,
      missingFiles: 0,
    });
  });

  it('attaches when a few files are missing, which are written back, not deleted', () => {
    expect(decideAttach({ ...intact, missingFiles: 5 }, FOLDER, false).message).toBe(
      'attached /home/ada/Photos as the synced folder; the 5 files not there are not taken as deleted: they are written back from the hub',
    );
    expect(decideAttach({ ...intact, missingFiles: 1 }, FOLDER, false).message).toBe(
      'attached /home/ada/Photos as the synced folder; the 1 file not there is not taken as deleted: it is written back from the hub',
    );
    // Without a hub nothing can fetch them: they are still not deleted.
    expect(decideAttach({ ...intact, missingFiles: 2, hasHub: false }, FOLDER, false).message).toBe(
      'attached /home/ada/Photos as the synced folder; the 2 files not there are not taken as deleted',
    );
  });

  it('refuses most files missing (more than half), unless forced', () => {
    expect(decideAttach({ ...intact, missingFiles: 6 }, FOLDER, false)).toEqual({
      outcome: 'refused',
      refusal: 'files-missing',
      message: `6 of the 10 files this device last saw in /home/ada/Photos are not there: it may be another folder or drive; ${HINT}`,
      indexedFiles: 10,
      missingFiles: 6,
    });
    expect(decideAttach({ ...intact, missingFiles: 6 }, FOLDER, true).outcome).toBe('attached');
  });

  it('refuses an empty folder while there is something to sync, unless forced', () => {
    const empty = { ...intact, entries: 0, missingFiles: 10 };
    expect(decideAttach(empty, FOLDER, false)).toMatchObject({
      outcome: 'refused',
      refusal: 'folder-empty',
      message: `/home/ada/Photos is empty, but this device last saw 10 files there: it may be a fresh folder or a drive not mounted, and attaching it would fill it with every file again; ${HINT}`,
    });
    // A device that never scanned the folder: what the store holds is what would fill it.
    expect(
      decideAttach({ ...empty, indexedFiles: 0, missingFiles: 0 }, FOLDER, false).message,
    ).toBe(
      `/home/ada/Photos is empty, but the synced folder holds 14 files and folders: it may be a fresh folder or a drive not mounted, and attaching it would fill it with every file again; ${HINT}`,
    );
    expect(decideAttach(empty, FOLDER, true)).toMatchObject({
      outcome: 'attached',
      message:
        'attached /home/ada/Photos as the synced folder; the 10 files not there are not taken as deleted: they are written back from the hub',
    });
    // Nothing anywhere to sync: an empty folder is all there is.
    const nothing = { ...empty, indexedFiles: 0, missingFiles: 0, storeEntries: 0 };
    expect(decideAttach(nothing, FOLDER, false).outcome).toBe('attached');
  });

  it('refuses another synced folder’s marker, unless forced', () => {
    const other = { ...intact, problem: 'marker-other' as const };
    expect(decideAttach(other, FOLDER, false)).toMatchObject({
      outcome: 'refused',
      refusal: 'other-folder',
      message: `/home/ada/Photos holds the marker file of another synced folder (.netguardian-folder): it may be another device's folder or drive; ${HINT}`,
    });
    expect(decideAttach(other, FOLDER, true).outcome).toBe('attached');
  });

  it('never attaches a folder that is not there, forced or not', () => {
    for (const force of [false, true])
      expect(decideAttach({ ...intact, problem: 'missing' }, FOLDER, force)).toMatchObject({
        outcome: 'refused',
        refusal: 'folder-missing',
        message:
          'there is no folder at /home/ada/Photos: nothing to attach; syncing resumes by itself once the folder is back at that path',
      });
  });

  it('does nothing for a folder attached already', () => {
    expect(decideAttach({ ...intact, problem: null }, FOLDER, true)).toMatchObject({
      outcome: 'already',
      refusal: null,
      message:
        '/home/ada/Photos is attached already (its marker file .netguardian-folder is there): nothing to do',
    });
  });
});
