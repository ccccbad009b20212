import { secureWebPreferences } from './mainWindow.js';

/**
 * Electron's dialogs have no text field, so the first run asks for the hub's invite code in a
 * tiny window: a static form in a sandboxed page with no preload and no IPC at all. Submitting
 * "navigates" to a sentinel URL, which we read and cancel in 'will-navigate'; nothing the
 * page does can reach the main process any other way.
 */
export const HUB_PROMPT_SENTINEL = 'https://hub-prompt.invalid/submit';

/** Text shown in the page, with the characters HTML gives meaning to escaped. */
const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The form; `problem` is why the last code was refused, shown above the field. */
export const hubPromptHtml = (problem: string | null = null): string => `<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action https://hub-prompt.invalid">
<title>NetGuardian: join a hub</title>
<style>
body{font:14px system-ui,sans-serif;margin:20px;color:#1f2328}
input{width:100%;box-sizing:border-box;padding:6px;font:inherit;margin:8px 0 4px}
p{color:#59636e;margin:4px 0 12px}button{font:inherit;padding:4px 14px}
.problem{color:#cf222e}
.row{display:flex;gap:8px;justify-content:flex-end}
</style></head><body>
<form method="get" action="${HUB_PROMPT_SENTINEL}">
<label for="code">The invite code</label>
${problem === null ? '' : `<p class="problem" role="alert">${escapeHtml(problem)}</p>`}
<input id="code" name="code" type="text" autofocus required spellcheck="false" autocomplete="off"
 placeholder="ng1-…">
<p>Make one on the computer that runs the hub: Settings → Invite a device.</p>
<div class="row"><button type="submit" name="action" value="cancel" formnovalidate>Back</button>
<button type="submit" name="action" value="ok">Join</button></div>
</form></body></html>`;

/** The value a sentinel navigation carries: the code for "Join", null for "Back". */
export function readHubPromptSubmission(url: string): { code: string | null } | null {
  if (!url.startsWith(HUB_PROMPT_SENTINEL)) return null;
  const params = new URL(url).searchParams;
  if (params.get('action') !== 'ok') return { code: null };
  // Line breaks from a mail or a chat are not part of the code.
  const code = params.get('code')?.replace(/\s+/g, '') ?? '';
  return { code: code === '' ? null : code };
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

/** Asks for an invite code; null when the user goes back or closes the window. */
export function askInviteCode(
  createWindow: (options: ReturnType<typeof promptWindowOptions>) => PromptWindow,
  problem: string | null = null,
): Promise<string | null> {
  return new Promise((resolve) => {
    const window = createWindow(promptWindowOptions(problem));
    let answered = false;
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    window.webContents.on('will-navigate', (event, url) => {
      event.preventDefault();
      const submission = readHubPromptSubmission(url);
      if (submission === null || answered) return;
      answered = true;
      resolve(submission.code);
      window.close();
    });
    window.on('closed', () => {
      if (!answered) resolve(null);
    });
    window
      .loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(hubPromptHtml(problem))}`)
      .catch(() => {
        if (!answered) resolve(null);
      });
  });
}

function promptWindowOptions(problem: string | null) {
  return {
    width: 480,
    height: problem === null ? 220 : 270,
    resizable: false,
    minimizable: false,
    maximizable: false,
    title: 'NetGuardian — join a hub',
    // No preload: the page gets no bridge at all.
    webPreferences: secureWebPreferences(),
  };
}
