import { splitFirstSentence } from '../../../src-shared/errorWords.js';
import { saysNotPaired } from '../../../src-shared/hubProblems.js';
import type { AppState, StateHeadline } from '../../../src-shared/ipc/contract.js';
import { folderProblemState } from '../../../src-shared/folderProblems.js';
import { watcherProblemState } from '../../../src-shared/watcherProblems.js';
import { countOf, formatBytes } from '../../../src-shared/words.js';
import type { LiveState, StateFacts } from './appState.js';

/**
 * The one answer to "are my files safe, and what is going on?": the phase and its sentences,
 * from the facts the store gave and what the device's events say. The app's header, the tray
 * and `netguardian status` all show this answer as it is; none of them words it again.
 *
 * Precedence, what a person must hear first:
 *   folder missing (or not recognized) > error > offline > conflicts > files that can't sync > paused >
 *   importing > writing into the folder > uploading contents > scanning > changes noticed, not
 *   recorded yet > starting (until the daemon's first round ends) > changes waiting (or a sync
 *   run, or counts not re-read yet) > synced with some folders not watched (the OS's limit) >
 *   synced.
 * Among the busy states, what moves files comes before looking at the folder: the watcher also
 * hears the materializer's own writes, and a re-check scans a file before it is replaced.
 *
 * "Synced" is the last resort: nothing waits to be pushed or written, no import, scan, upload,
 * write or sync run is under way, the watcher holds no unrecorded change, no file is listed as
 * unable to sync, and the facts were read after the last change the events told of.
 *
 * Without a running daemon (a CLI command that opened the device itself) the live part is fresh:
 * the answer then says what the store recorded and the hub answered; edits made in the folder
 * since the last scan are not known until `netguardian sync` or `start` scans.
 */
export function summarizeState(facts: StateFacts, live: LiveState): StateHeadline {
  // Missing, or there but not recognized (its marker): worded in src-shared/folderProblems.ts.
  if (live.folderProblem !== null) return folderProblemState(live.folderProblem, facts.folder);
  if (live.lastError && !live.lastError.offline) {
    // The error is in the catalogue's words: what happened heads, what to do goes under it.
    const { first, rest } = splitFirstSentence(live.lastError.message);
    return {
      phase: 'error',
      headline: `Error: ${first}`,
      detail: saysNotPaired(live.lastError.message)
        ? 'Nothing syncs until this device joins again with a new invite (Settings, or netguardian join CODE); its changes are kept.'
        : rest || 'NetGuardian tries again with the next change or sync.',
    };
  }
  if (facts.hub && (!facts.hub.connected || live.lastError?.offline === true))
    return {
      phase: 'offline',
      headline: 'Offline — changes are kept and sent when the hub is back',
      detail:
        facts.pendingUpload > 0
          ? `${waitOnThisDevice(facts.pendingUpload)}.`
          : 'Nothing waits to be sent.',
    };
  if (facts.conflicts > 0)
    return {
      phase: 'conflicts',
      headline: `${countOf(facts.conflicts, 'conflict')} to review`,
      detail: 'Nothing is lost: both versions are kept until you choose.',
    };
  if (facts.unsyncable > 0)
    return {
      phase: 'unsyncable',
      headline: `${countOf(facts.unsyncable, 'file')} can't sync`,
      detail: 'Each is listed with what is wrong; everything else syncs.',
    };
  if (facts.paused)
    return {
      phase: 'paused',
      headline: 'Paused',
      detail:
        facts.pendingUpload > 0
          ? `${waitOnThisDevice(facts.pendingUpload)} until you resume.`
          : 'Changes are kept on this device until you resume.',
    };
  // The first round of a large folder takes minutes (its scan, its first upload): what it does
  // is shown as it goes; "Starting" only while nothing is under way yet.
  if (!live.started)
    return (
      underWay(live) ?? {
        phase: 'starting',
        headline: 'Starting…',
        detail: 'Opening the folder and the local database.',
      }
    );
  // The files are synced, but changes made here are noticed only by the minute's rescan.
  if (live.watcherProblem !== null)
    return busy(facts, live) ?? watcherProblemState(live.watcherProblem);
  return busy(facts, live) ?? synced(facts);
}

/** What runs or waits, the most useful first; undefined when nothing does. */
function busy(facts: StateFacts, live: LiveState): StateHeadline | undefined {
  return underWay(live) ?? waiting(facts, live);
}

/** Work the device's events say is under way now (an import, a write, an upload, a scan). */
function underWay(live: LiveState): StateHeadline | undefined {
  const { importing, scan, contents } = live;
  if (importing.running > 0)
    return {
      phase: 'syncing',
      headline:
        importing.total > 0
          ? `Importing ${importing.done.toLocaleString('en-US')} of ${countOf(importing.total, 'file')}`
          : 'Importing files…',
      detail: 'Copying them into the folder; each is recorded once it is there.',
    };
  if (live.writing > 0)
    return {
      phase: 'syncing',
      headline: `Receiving ${countOf(live.writing, 'file')}`,
      detail: 'Writing them into the folder.',
    };
  if (contents)
    return {
      phase: 'syncing',
      headline: `Uploading ${countOf(contents.files, 'file')} (${formatBytes(contents.bytes)})`,
      detail: 'Sending their contents to the hub.',
    };
  if (scan)
    return {
      phase: 'scanning',
      headline: 'Looking for changes',
      detail:
        scan.total === null
          ? `${countOf(scan.done, 'file')} looked at so far.`
          : `Checking ${scan.done.toLocaleString('en-US')} of ${countOf(scan.total, 'changed file')}.`,
    };
  if (live.noticed > 0)
    return {
      phase: 'scanning',
      headline: `Noticed ${countOf(live.noticed, 'change')}`,
      detail:
        'Recording them once the files stop changing (a copy or a save may still be under way).',
    };
  return undefined;
}

/** Changes left to exchange, a sync run, or counts not read again since a change. */
function waiting(facts: StateFacts, live: LiveState): StateHeadline | undefined {
  const left = facts.pendingUpload + facts.pendingDownload;
  if (left > 0)
    return {
      phase: 'syncing',
      headline: `Syncing ${countOf(left, 'change')}`,
      detail: `${[
        facts.pendingUpload > 0 ? `${countOf(facts.pendingUpload, 'change')} to send` : '',
        facts.pendingDownload > 0 ? `${countOf(facts.pendingDownload, 'file')} to receive` : '',
      ]
        .filter((part) => part !== '')
        .join(', ')}.`,
    };
  if (live.syncing)
    return {
      phase: 'syncing',
      headline: 'Syncing',
      detail: 'Exchanging changes with the hub.',
    };
  // A change was recorded, written or synced after these facts were read: counted soon.
  if (facts.changesRead < live.changes)
    return facts.hub === null
      ? { phase: 'scanning', headline: 'Recording changes', detail: 'Counting what changed.' }
      : {
          phase: 'syncing',
          headline: 'Syncing',
          detail: 'Counting what is left to send and receive.',
        };
  return undefined;
}

function synced(facts: StateFacts): StateHeadline {
  return {
    phase: 'synced',
    headline: 'Synced',
    detail:
      facts.hub === null
        ? 'All files are saved on this device (no hub set up).'
        : 'All files are up to date.',
  };
}

/** "1 change waits on this device", "214 changes wait on this device". */
const waitOnThisDevice = (changes: number): string =>
  `${countOf(changes, 'change')} ${changes === 1 ? 'waits' : 'wait'} on this device`;

/** What the service pushes to every UI: the summary, the counts and the progress under way. */
export function buildAppState(facts: StateFacts, live: LiveState): AppState {
  return {
    ...summarizeState(facts, live),
    deviceName: facts.deviceName,
    folder: facts.folder,
    hub: facts.hub,
    lastSyncAt: facts.lastSyncAt,
    files: facts.files,
    folders: facts.folders,
    conflicts: facts.conflicts,
    pending: {
      upload: facts.pendingUpload,
      download: facts.pendingDownload,
      noticed: live.noticed,
    },
    unsyncable: facts.unsyncable,
    progress: { scan: live.scan, upload: live.upload, download: live.download },
    lastError: live.lastError?.message ?? null,
    paused: facts.paused,
  };
}

/**
 * The answer for a device no process runs (a CLI command opened it to answer): what the store
 * holds may be synced, but edits in the folder since the last scan are unknown, so "Synced"
 * would claim what nobody checked. Every other answer stands as it is.
 */
export function withoutDaemon(state: StateHeadline): StateHeadline {
  if (state.phase !== 'synced') return state;
  return {
    phase: 'stopped',
    headline: 'Not running — the folder is not watched',
    detail:
      'Changes made in the folder since the last scan are found and synced when `netguardian start` (or `netguardian sync`) runs.',
  };
}
