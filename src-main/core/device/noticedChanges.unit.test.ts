import { describe, expect, it } from 'vitest';
import { NoticedChanges } from './noticedChanges.js';

describe('NoticedChanges', () => {
  it('counts a copy under way from the first event until a scan records it', () => {
    const told: number[] = [];
    const noticed = new NoticedChanges((n) => told.push(n));
    noticed.waitingNow(1); // the watcher heard of big.iso
    // The batch is handed to the scanner before the watcher lets go of it: no dip to 0.
    noticed.scanStarted(1);
    noticed.waitingNow(0);
    noticed.scanEnded(1, 1); // still changing while read: not recorded, still 1
    noticed.waitingNow(1); // the copy goes on: the same file, still 1
    noticed.scanStarted(1);
    noticed.waitingNow(0);
    noticed.scanEnded(1, 0); // settled and recorded
    expect(told).toEqual([1, 2, 1, 2, 1, 0]);
  });

  it('adds paths waiting and being scanned; files still changing count until a scan finds them settled', () => {
    const told: number[] = [];
    const noticed = new NoticedChanges((n) => told.push(n));
    noticed.scanStarted(3);
    noticed.waitingNow(2);
    noticed.scanEnded(3, 4);
    noticed.waitingNow(0);
    noticed.fullScanEnded(0);
    expect(told).toEqual([3, 5, 4, 0]);
  });
});
