import { render, type RenderResult } from '@testing-library/react';
import type { ReactNode } from 'react';
import { connectStore } from '../store/connectStore.js';
import { createAppStore, type AppStoreApi } from '../store/createAppStore.js';
import { StoreProvider } from '../store/StoreContext.js';
import type { Uploader } from '../transport/types.js';
import { createFakeCore, fakeTransport, type FakeCore } from './fakeCore.js';

export interface Rendered extends RenderResult {
  readonly core: FakeCore;
  readonly store: AppStoreApi;
  readonly transport: ReturnType<typeof fakeTransport>;
}

/**
 * Renders UI against a fresh store wired to an in-memory fake core, exactly as main.tsx wires
 * the real transport. Search is not debounced, so tests don't wait on timers.
 */
export function renderWithStore(
  ui: ReactNode,
  options: {
    core?: FakeCore;
    files?: number;
    upload?: Uploader;
    /** As the desktop app: the system's dialog through `files:pick` of the fake core. */
    desktop?: boolean;
    /** As a browser: the download of a file (the fetch of the headless server's). */
    download?: (path: string) => Promise<void>;
  } = {},
): Rendered {
  const core = options.core ?? createFakeCore({ files: options.files ?? 120 });
  const transport = fakeTransport(core, options.upload);
  const store = createAppStore({
    client: core,
    upload: transport.upload,
    searchDebounceMs: 0,
    ...(options.download ? { download: options.download } : {}),
    ...(options.desktop
      ? {
          desktop: true,
          pick: (folders: boolean, targetDir: string) =>
            core.call('files:pick', { folders, targetDir }),
        }
      : {}),
  });
  connectStore(store, transport);
  const result = render(<StoreProvider store={store}>{ui}</StoreProvider>);
  return { ...result, core, store, transport };
}

/**
 * jsdom has no layout: give elements a height so the virtual list has a viewport to fill.
 * Returns the restore function.
 */
export function fakeViewport(height = 400, width = 800): () => void {
  // The virtualizer measures its scroll element with clientHeight/clientWidth (Element's,
  // shadowed here on HTMLElement so deleting the stubs restores jsdom's zeros).
  const proto = HTMLElement.prototype;
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => width });
  return () => {
    delete (proto as { clientHeight?: number }).clientHeight;
    delete (proto as { clientWidth?: number }).clientWidth;
  };
}
