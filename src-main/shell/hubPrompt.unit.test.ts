import { describe, expect, it } from 'vitest';
import {
  askInviteCode,
  HUB_PROMPT_SENTINEL,
  readHubPromptSubmission,
  type PromptWindow,
} from './hubPrompt.js';

class FakePrompt implements PromptWindow {
  navigate: ((event: { preventDefault(): void }, url: string) => void) | null = null;
  closedListener: (() => void) | null = null;
  closed = false;
  loaded = '';
  options: unknown;
  readonly webContents = {
    on: (_event: 'will-navigate', l: (event: { preventDefault(): void }, url: string) => void) => {
      this.navigate = l;
    },
    setWindowOpenHandler: () => undefined,
  };
  on(_event: 'closed', listener: () => void) {
    this.closedListener = listener;
  }
  loadURL(url: string) {
    this.loaded = url;
    return Promise.resolve();
  }
  close() {
    this.closed = true;
    this.closedListener?.();
  }
}

const submit = (params: Record<string, string>) =>
  `${HUB_PROMPT_SENTINEL}?${new URLSearchParams(params).toString()}`;

describe('hub prompt', () => {
  it('reads the code from the form submission (line breaks dropped), or null for Back', () => {
    expect(readHubPromptSubmission(submit({ code: ' ng1-abc\r\ndef ', action: 'ok' }))).toEqual({
      code: 'ng1-abcdef',
    });
    expect(readHubPromptSubmission(submit({ code: 'x', action: 'cancel' }))).toEqual({
      code: null,
    });
    expect(readHubPromptSubmission('https://elsewhere.example/')).toBeNull();
  });

  it('resolves with the submitted code, cancels the navigation and closes', async () => {
    const prompt = new FakePrompt();
    const answer = askInviteCode((options) => {
      prompt.options = options;
      return prompt;
    });
    expect(prompt.loaded.startsWith('data:text/html')).toBe(true);
    expect(prompt.options).toMatchObject({
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false },
    });
    expect(prompt.options).not.toHaveProperty('webPreferences.preload');
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    prompt.navigate?.(event, submit({ code: 'ng1-abc', action: 'ok' }));
    expect(await answer).toBe('ng1-abc');
    expect(event.prevented).toBe(true);
    expect(prompt.closed).toBe(true);
  });

  it('resolves null when the window is closed without an answer, and blocks other navigation', async () => {
    const prompt = new FakePrompt();
    const answer = askInviteCode(() => prompt);
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    prompt.navigate?.(event, 'https://evil.example/');
    expect(event.prevented).toBe(true);
    prompt.close();
    expect(await answer).toBeNull();
  });

  it('asks for a code, not a URL, and shows why the last one was refused, escaped', () => {
    const page = (loaded: string) => decodeURIComponent(loaded.slice(loaded.indexOf(',') + 1));
    const first = new FakePrompt();
    void askInviteCode(() => first);
    expect(page(first.loaded)).toContain('The invite code');
    expect(page(first.loaded)).not.toMatch(/postgres|role="alert"/i);
    const again = new FakePrompt();
    void askInviteCode(() => again, 'this is not a <b>NetGuardian</b> invite code');
    expect(page(again.loaded)).toContain(
      '<p class="problem" role="alert">this is not a &lt;b&gt;NetGuardian&lt;/b&gt; invite code</p>',
    );
  });
});
