import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppUrl } from './appOrigin.js';
import { registerAppProtocol, resolveAppFile } from './appProtocol.js';
import { CONTENT_SECURITY_POLICY, installCsp, withCsp } from './csp.js';
import { isAllowedExternalLink } from './externalLinks.js';

const root = path.resolve('/app/dist/renderer');

describe('app:// protocol', () => {
  it('maps app URLs to files under dist/renderer; routes without an extension get index.html', () => {
    expect(resolveAppFile(root, 'app://netguardian/index.html')).toBe(
      path.join(root, 'index.html'),
    );
    expect(resolveAppFile(root, 'app://netguardian/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://netguardian/assets/main-1a2b.js')).toBe(
      path.join(root, 'assets', 'main-1a2b.js'),
    );
    expect(resolveAppFile(root, 'app://netguardian/conflicts')).toBe(path.join(root, 'index.html'));
  });

  it.each([
    'app://netguardian/%2e%2e/%2e%2e/etc/passwd.txt',
    'app://netguardian/..%2f..%2fsecret.json',
    'app://netguardian/a%5c..%5c..%5csecret.json',
    'app://netguardian/x%00.js',
    'app://other/index.html',
    'https://netguardian/index.html',
    'app://netguardian/%E0%A4%A',
  ])('never serves %s outside the renderer folder', (url) => {
    const file = resolveAppFile(root, url);
    if (file !== null) expect(file.startsWith(root + path.sep)).toBe(true);
  });

  it('refuses what it cannot map with a 404 and adds the CSP to every response', async () => {
    let handler: ((request: { url: string }) => Promise<Response> | Response) | null = null;
    const fetched: string[] = [];
    registerAppProtocol(
      {
        protocol: { handle: (_scheme, h) => (handler = h) },
        net: {
          fetch: (url) => {
            fetched.push(url);
            return Promise.resolve(
              new Response('<html>', { headers: { 'content-type': 'text/html' } }),
            );
          },
        },
      },
      root,
    );
    const serve = (url: string) => {
      if (handler === null) throw new Error('no handler');
      return Promise.resolve(handler({ url }));
    };
    const page = await serve('app://netguardian/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(fetched).toEqual([`file://${path.join(root, 'index.html')}`]);
    expect((await serve('app://elsewhere/index.html')).status).toBe(404);
    expect(fetched).toHaveLength(1);
  });
});

describe('origins, CSP and links', () => {
  it('recognizes only our app origin', () => {
    expect(isAppUrl('app://netguardian/index.html')).toBe(true);
    for (const url of [
      'app://netguardian.evil/',
      'app://user@netguardian/',
      'file:///app/index.html',
      'https://netguardian/',
      'not a url',
    ])
      expect(isAppUrl(url)).toBe(false);
  });

  it('the CSP allows only our own scripts, no inline script, no eval, no network elsewhere', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it('replaces any CSP a response brought, whatever its case', () => {
    const headers = withCsp({ 'content-security-policy': ['default-src *'], 'X-A': 'b' });
    expect(headers).toEqual({
      'X-A': ['b'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    let answered: unknown = null;
    installCsp({
      onHeadersReceived: (listener) =>
        listener({ responseHeaders: { 'Content-Security-Policy': 'x' } }, (r) => (answered = r)),
    });
    expect(answered).toEqual({
      responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('opens only allow-listed http(s) origins externally', () => {
    expect(isAllowedExternalLink('https://github.com/x/y')).toBe(true);
    for (const url of [
      'https://github.com.evil.example/',
      'https://user:pw@github.com/',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'https://example.org/',
    ])
      expect(isAllowedExternalLink(url)).toBe(false);
  });
});
