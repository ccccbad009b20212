import { secureWebPreferences } from './mainWindow.js';

/**
 * Electron's dialogs have no text field, so the first run asks for the hub's URL in a tiny
 * window: a static form in a sandboxed page with no preload and no IPC at all. Submitting
 * "navigates" to a sentinel URL, which we read and cancel in 'will-navigate'; nothing the
 * page does can reach the main process any other way.
 */
export const HUB_PROMPT_SENTINEL = 'https://hub-prompt.invalid/submit';

export const HUB_PROMPT_HTML = `<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action https://hub-prompt.invalid">
<title>NetGuardian hub</title>
<style>
body{font:14px system-ui,sans-serif;margin:20px;color:#1f2328}
input{width:100%;box-sizing:border-box;padding:6px;font:inherit;margin:8px 0 4px}
p{color:#59636e;margin:4px 0 12px}button{font:inherit;padding:4px 14px}
.row{display:flex;gap:8px;justify-content:flex-end}
</style></head><body>
<form method="get" action="${HUB_PROMPT_SENTINEL}">
<label for="hub">The hub's PostgreSQL URL</label>
<input id="hub" name="hub" type="text" autofocus required spellcheck="false"
 placeholder="postgres://device@hub.example.org:5432/netguardian">
<p>Ask whoever runs the hub for it. You can change it later in Settings.</p>
<div class="row"><button type="submit" name="action" value="cancel" formnovalidate>Skip</button>
<button type="submit" name="action" value="ok">Use this hub</button></div>
</form></body></html>`;

/** The value a sentinel navigation carries: the URL for "ok", null for "Skip". */
export function readHubPromptSubmission(url: string): { hub: string | null } | null {
  if (!url.startsWith(HUB_PROMPT_SENTINEL)) return null;
  const params = new URL(url).searchParams;
  if (params.get('action') !== 'ok') return { hub: null };
  const hub = params.get('hub')?.trim() ?? '';
  return { hub: hub === '' ? null : hub };
}

export interface PromptWindow {
  readonly webContents: {
    on(
      event: 'will-navigate',
      listener: (event: { preventDefault(): void }, url: string) => void,
    ): unknown;
    setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  };
  on(event: 'closed', listener: () => void): unknown;
  loadURL(url: string): Promise<void>;
  close(): void;
}

export function askHubUrl(
  createWindow: (options: ReturnType<typeof promptWindowOptions>) => PromptWindow,
): Promise<string | null> {
  return new Promise((resolve) => {
    const window = createWindow(promptWindowOptions());
    let answered = false;
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    window.webContents.on('will-navigate', (event, url) => {
      event.preventDefault();
      const submission = readHubPromptSubmission(url);
      if (submission === null || answered) return;
      answered = true;
      resolve(submission.hub);
      window.close();
    });
    window.on('closed', () => {
      if (!answered) resolve(null);
    });
    window
      .loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(HUB_PROMPT_HTML)}`)
      .catch(() => {
        if (!answered) resolve(null);
      });
  });
}

function promptWindowOptions() {
  return {
    width: 480,
    height: 220,
    resizable: false,
    minimizable: false,
    maximizable: false,
    title: 'NetGuardian — hub',
    // No preload: the page gets no bridge at all.
    webPreferences: secureWebPreferences(),
  };
}
