// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { takeToken, tokenSubprotocol } from './token.js';

beforeEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/');
});

describe('headless token', () => {
  it('takes ?token= once, keeps it for this tab and removes it from the address bar', () => {
    history.replaceState(null, '', '/?token=abc123&x=1#/files');
    expect(takeToken()).toBe('abc123');
    expect(window.location.search).toBe('?x=1');
    expect(window.location.hash).toBe('#/files');
    // A reload no longer has it in the URL; the tab still does.
    expect(takeToken()).toBe('abc123');
  });

  it('is null when the page was opened without one', () => {
    expect(takeToken()).toBeNull();
  });

  it('travels as the WebSocket subprotocol netguardian.<token>', () => {
    expect(tokenSubprotocol('abc123')).toBe('netguardian.abc123');
  });
});
