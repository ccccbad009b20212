import { describe, expect, it } from 'vitest';
import {
  askHubUrl,
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
  it('reads the URL from the form submission, or null for Skip', () => {
    expect(readHubPromptSubmission(submit({ hub: ' postgres://h/db ', action: 'ok' }))).toEqual({
      hub: 'postgres://h/db',
    });
    expect(readHubPromptSubmission(submit({ hub: 'x', action: 'cancel' }))).toEqual({ hub: null });
    expect(readHubPromptSubmission('https://elsewhere.example/')).toBeNull();
  });

  it('resolves with the submitted URL, cancels the navigation and closes', async () => {
    const prompt = new FakePrompt();
    const answer = askHubUrl((options) => {
      prompt.options = options;
      return prompt;
    });
    expect(prompt.loaded.startsWith('data:text/html')).toBe(true);
    expect(prompt.options).toMatchObject({
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false },
    });
    expect(prompt.options).not.toHaveProperty('webPreferences.preload');
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    prompt.navigate?.(event, submit({ hub: 'postgres://h/db', action: 'ok' }));
    expect(await answer).toBe('postgres://h/db');
    expect(event.prevented).toBe(true);
    expect(prompt.closed).toBe(true);
  });

  it('resolves null when the window is closed without an answer, and blocks other navigation', async () => {
    const prompt = new FakePrompt();
    const answer = askHubUrl(() => prompt);
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    prompt.navigate?.(event, 'https://evil.example/');
    expect(event.prevented).toBe(true);
    prompt.close();
    expect(await answer).toBeNull();
  });
});
