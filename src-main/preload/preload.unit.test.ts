import { describe, expect, it, vi } from 'vitest';

// The real 'electron' module would try to download the runtime: replace it entirely.
const exposed = vi.hoisted(() => [] as Array<[string, unknown]>);
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]),
  },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  webUtils: { getPathForFile: vi.fn() },
}));

describe('preload entry', () => {
  it('exposes one object, window.netguardian, with call/listen/pathForFile and nothing else', async () => {
    await import('./preload.js');
    expect(exposed).toHaveLength(1);
    const [key, api] = exposed[0] ?? [];
    expect(key).toBe('netguardian');
    expect(Object.keys(api as object).sort()).toEqual(['call', 'listen', 'pathForFile']);
  });
});
