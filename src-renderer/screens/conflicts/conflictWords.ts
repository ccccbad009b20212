import type { ConflictInfo, KeptVersion, VersionInfo } from '../../../src-shared/ipc/contract.js';
import type { ResolveItem } from '../../store/types.js';

/**
 * What the conflict screen calls things, by device: the versions in the order they are shown
 * (this device's first, so the left column, the diff's left side and the first button are
 * always "mine"), and the choices named after the device whose version each keeps. The words
 * "mine" and "theirs" never reach the screen: they are the resolve request's, not the user's.
 */

export type Keep = ResolveItem['keep'];

/** This device's versions first, then the others in the core's order (the folder's first). */
export function shownVersions(conflict: ConflictInfo): VersionInfo[] {
  const mine = conflict.versions.filter((v) => v.side === 'mine');
  const others = conflict.versions.filter((v) => v.side !== 'mine');
  return [...mine, ...others];
}

/** "laptop’s version (this device)", "desktop’s version". */
export function versionName(device: string, side: 'mine' | 'theirs'): string {
  return `${device}’s version${side === 'mine' ? ' (this device)' : ''}`;
}

export interface KeepChoice {
  readonly keep: Keep;
  /** The button's words. */
  readonly label: string;
  /** What was done, for the confirmation: "Kept desktop’s version". */
  readonly done: string;
}

const keptLabel = (k: KeptVersion): string =>
  k.deleted
    ? `Delete it, as ${k.device} did${k.side === 'mine' ? ' (this device)' : ''}`
    : `Keep ${versionName(k.device, k.side)}`;

const keptDone = (k: KeptVersion): string =>
  k.deleted ? `Deleted it, as ${k.device} did` : `Kept ${k.device}’s version`;

/**
 * The ways to settle a conflict, this device's first. A choice the core would refuse (no such
 * version) is not offered, and when "mine" and "theirs" would keep the same version (this device
 * wrote none) it is offered once.
 */
export function keepChoices(conflict: ConflictInfo): KeepChoice[] {
  const { mine, theirs } = conflict.keeps;
  const choices: KeepChoice[] = [];
  if (mine) choices.push({ keep: 'mine', label: keptLabel(mine), done: keptDone(mine) });
  if (theirs && theirs.eventId !== mine?.eventId)
    choices.push({ keep: 'theirs', label: keptLabel(theirs), done: keptDone(theirs) });
  choices.push({ keep: 'both', label: 'Keep both', done: 'Kept both versions' });
  return choices;
}

/** The confirmation's words for a choice made on this conflict. */
export function doneWords(conflict: ConflictInfo, keep: Keep): string {
  const choice = keepChoices(conflict).find((c) => c.keep === keep);
  if (choice) return choice.done;
  return keep === 'both' ? 'Kept both versions' : 'Settled';
}

/**
 * The version tagged "newer": the one in the folder, which the core chose as the newest edit by
 * the same times the cards show (ties broken by clock and device). None when only one is shown.
 */
export const isNewer = (conflict: ConflictInfo, version: VersionInfo): boolean =>
  version.winner && conflict.versions.length > 1;
