import { describe, expect, it } from 'vitest';
import { ERROR_CODES, NetGuardianError } from './errors.js';
import {
  CODE_SENTENCES,
  errorInWords,
  splitFirstSentence,
  SYSTEM_ERROR_CODES,
  systemSentence,
  type ErrorSentence,
} from './errorWords.js';
import { hubUnreachableSentence } from './hubProblems.js';

/** A clause a person reads: words, no code, no stack, not shouting. */
function expectWords(clause: string): void {
  expect(clause.length).toBeGreaterThan(10);
  expect(clause).not.toMatch(/\b[A-Z][A-Z_]{3,}\b/);
  expect(clause).not.toMatch(/\bat .*\.[jt]s:\d+/);
  expect(clause).not.toMatch(/[.]$/);
}

function expectSentence(s: ErrorSentence): void {
  expectWords(s.happened);
  expectWords(s.todo);
  expect(s.todo).not.toBe(s.happened);
}

describe('the catalogue of error sentences', () => {
  it.each(ERROR_CODES.map((code) => [code]))('%s says what happened and what to do', (code) => {
    expectSentence(CODE_SENTENCES[code]);
    // A coded error whose message says nothing still reads as the code's sentence.
    const text = errorInWords({ code, message: '' });
    expect(text).toBe(`${CODE_SENTENCES[code].happened}. ${CODE_SENTENCES[code].todo}.`);
  });

  it.each(SYSTEM_ERROR_CODES.map((code) => [code]))(
    'the system error %s maps to a sentence',
    (code) => {
      expectSentence(systemSentence(code));
      const text = errorInWords({ code, message: `${code}: something low-level` });
      expect(text).not.toContain(code);
      expect(text).not.toContain('low-level');
    },
  );
});

describe('errorInWords', () => {
  it('says a refused connection as the hub out of reach at its host and port (processes of a hub may share a host)', () => {
    expect(errorInWords('Sync failed: connect ECONNREFUSED 127.0.0.1:5477')).toBe(
      "Can't reach the hub at 127.0.0.1:5477. NetGuardian keeps trying; check that the hub is running.",
    );
    const e = Object.assign(new Error('connect ECONNREFUSED 192.168.1.5:5433'), {
      code: 'ECONNREFUSED',
    });
    expect(errorInWords(e)).toBe(
      "Can't reach the hub at 192.168.1.5:5433. NetGuardian keeps trying; check that the hub is running.",
    );
  });

  it('says each low-level network failure in words', () => {
    expect(errorInWords('connect ETIMEDOUT 10.0.0.9:5432')).toBe(
      'The hub at 10.0.0.9:5432 did not answer in time. NetGuardian keeps trying; check the network and any firewall between this device and the hub.',
    );
    expect(errorInWords('getaddrinfo ENOTFOUND hub.lan')).toBe(
      "Can't find the hub's address hub.lan. Check that this device is online and that the address is spelled right.",
    );
    expect(errorInWords({ code: 'ECONNRESET', message: 'read ECONNRESET' })).toBe(
      'The connection to the hub was cut. NetGuardian reconnects by itself; if it keeps happening, check the network.',
    );
    expect(errorInWords('connect ECONNREFUSED ::1:5477')).toBe(
      "Can't reach the hub at [::1]:5477. NetGuardian keeps trying; check that the hub is running.",
    );
    // A URL's IPv6 host in brackets; a host with no port stays as it is.
    const bracketed = hubUnreachableSentence('[::1]:7443', 'ECONNREFUSED', 'connect ECONNREFUSED');
    expect(errorInWords(bracketed)).toBe(
      "Can't reach the hub at [::1]:7443. NetGuardian keeps trying; check that the hub is running.",
    );
    expect(errorInWords('connect ECONNREFUSED fe80::1')).toBe(
      "Can't reach the hub at fe80::1. NetGuardian keeps trying; check that the hub is running.",
    );
    expect(errorInWords('getaddrinfo ENOTFOUND hub.lan:7443')).toBe(
      "Can't find the hub's address hub.lan. Check that this device is online and that the address is spelled right.",
    );
  });

  it("reads the core's own unreachable clause back into the catalogue's sentence", () => {
    const clause = hubUnreachableSentence('10.0.0.5:5433', 'ECONNREFUSED', 'connect ECONNREFUSED');
    expect(errorInWords(`Sync failed: ${clause}`)).toBe(
      "Can't reach the hub at 10.0.0.5:5433. NetGuardian keeps trying; check that the hub is running.",
    );
    const late = hubUnreachableSentence('hub.lan:7443', undefined, 'timeout expired');
    expect(errorInWords(late)).toBe(
      'The hub at hub.lan:7443 did not answer in time. NetGuardian keeps trying; check the network and any firewall between this device and the hub.',
    );
  });

  it('says file system failures with the file, never the code', () => {
    expect(errorInWords("EACCES: permission denied, open '/home/ann/Sync/notes.txt'")).toBe(
      'NetGuardian is not allowed to read or change /home/ann/Sync/notes.txt. Check its permissions, or close the program that locks it; NetGuardian tries again at the next sync.',
    );
    expect(
      errorInWords({ code: 'ENOSPC', message: 'ENOSPC: no space left on device, write' }),
    ).toBe('The disk is full. Free some space on it; NetGuardian goes on once there is room.');
  });

  it('says certificate failures as an untrusted hub', () => {
    expect(errorInWords({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' })).toBe(
      "The hub's certificate has expired. Join the hub again with a new invite from its owner; if the hub didn't change, someone may be in the way: do not sync until you know why.",
    );
    expect(errorInWords('self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)')).toMatch(
      /^The hub's certificate can't be trusted\. /,
    );
  });

  it('says a connection refused on the local control socket as NetGuardian not running', () => {
    expect(errorInWords('connect ECONNREFUSED /run/user/1000/netguardian/control.sock')).toBe(
      "Can't reach the NetGuardian process running this device. Start NetGuardian (the app, or netguardian start) and try again.",
    );
  });

  it("keeps NetGuardian's own message, without the channel, and adds what to do", () => {
    const e = new NetGuardianError(
      'NotFound',
      'history:get: docs/a.txt has no history on this device',
    );
    expect(errorInWords(e)).toBe(
      'docs/a.txt has no history on this device. Refresh the list: it may have been moved or deleted meanwhile.',
    );
  });

  it('adds nothing to a message that already says what to do', () => {
    const message =
      'this device is not (or no longer) paired with this hub: join it again with a new invite';
    expect(errorInWords({ code: 'AccessDenied', message })).toBe(
      'This device is not (or no longer) paired with this hub: join it again with a new invite.',
    );
  });

  it('leaves a sentence already in words as it is: wording twice changes nothing', () => {
    const once = errorInWords('Sync failed: connect ECONNREFUSED 127.0.0.1:5477');
    expect(errorInWords(once)).toBe(once);
    expect(errorInWords('The connection to NetGuardian was lost. Please try again.')).toBe(
      'The connection to NetGuardian was lost. Please try again.',
    );
  });

  it('says something even for nothing', () => {
    expect(errorInWords(undefined)).toBe(
      'Something went wrong. Try again; if it keeps happening, restart NetGuardian.',
    );
  });
});

describe('splitFirstSentence', () => {
  it('cuts after the first full stop followed by a space, not inside an address or a name', () => {
    expect(
      splitFirstSentence(
        "Can't reach the hub at 127.0.0.1:5477. NetGuardian keeps trying; check that the hub is running.",
      ),
    ).toEqual({
      first: "Can't reach the hub at 127.0.0.1:5477",
      rest: 'NetGuardian keeps trying; check that the hub is running.',
    });
    expect(splitFirstSentence('notes.txt was deleted on laptop')).toEqual({
      first: 'notes.txt was deleted on laptop',
      rest: '',
    });
    expect(splitFirstSentence('The disk is full.')).toEqual({
      first: 'The disk is full',
      rest: '',
    });
    expect(splitFirstSentence('Is it running? Start it.')).toEqual({
      first: 'Is it running?',
      rest: 'Start it.',
    });
  });
});
