import { describe, expect, it } from 'vitest';
import { hubUnreachableSentence, isHubUnreachable } from './hubProblems.js';

describe('hub problems in words', () => {
  it('says what a person can act on', () => {
    expect(hubUnreachableSentence('192.168.1.5:5433', 'ECONNREFUSED', 'connect ECONNREFUSED')).toBe(
      "can't reach the hub at 192.168.1.5:5433: nothing answers there, is it running?",
    );
    expect(
      hubUnreachableSentence('hub.lan:5433', 'ENOTFOUND', 'getaddrinfo ENOTFOUND hub.lan'),
    ).toBe(
      "can't reach the hub at hub.lan:5433: that host name is unknown (no network, or a typo in the address?)",
    );
    expect(hubUnreachableSentence('10.0.0.9:5432', undefined, 'timeout expired')).toBe(
      "can't reach the hub at 10.0.0.9:5432: it did not answer in time (network or firewall?)",
    );
    expect(
      hubUnreachableSentence('10.0.0.9:5432', undefined, 'Connection terminated unexpectedly'),
    ).toBe("can't reach the hub at 10.0.0.9:5432: the connection was cut");
  });

  it('tells an unreachable hub (retry later) from a failure to fix', () => {
    expect(isHubUnreachable('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5433')).toBe(true);
    expect(isHubUnreachable('57P01', 'terminating connection due to administrator command')).toBe(
      true,
    );
    expect(isHubUnreachable(undefined, 'Connection terminated unexpectedly')).toBe(true);
    expect(isHubUnreachable('28P01', 'password authentication failed for user "x"')).toBe(false);
    expect(isHubUnreachable('42501', 'permission denied for table crdt_events')).toBe(false);
    expect(isHubUnreachable(undefined, 'hub schema is at version 3')).toBe(false);
  });
});
