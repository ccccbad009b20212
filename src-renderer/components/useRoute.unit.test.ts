import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, routeParam } from './useRoute.js';

describe('hash routes', () => {
  it('reads the screen with or without parameters, and Files for anything else', () => {
    expect(parseRoute('#/conflicts')).toBe('conflicts');
    expect(parseRoute('#/conflicts?path=a%2Fb.md')).toBe('conflicts');
    expect(parseRoute('#conflicts')).toBe('conflicts');
    expect(parseRoute('')).toBe('files');
    expect(parseRoute('#/nowhere?x=1')).toBe('files');
  });

  it('carries a path through the link and back, whatever characters it holds', () => {
    const path = 'Docs/a & b?c=d #1.md';
    const href = routeHref('conflicts', { path });
    expect(href.startsWith('#/conflicts?path=')).toBe(true);
    expect(routeParam('path', href)).toBe(path);
    expect(routeParam('path', '#/conflicts')).toBeNull();
    expect(routeHref('files')).toBe('#/files');
  });
});
