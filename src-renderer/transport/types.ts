import type { ContractClient, ImportReport } from '../../src-shared/ipc/contract.js';

/**
 * Whether the UI can reach the core right now (not whether the core reaches its hub).
 * `refused`: the server answers but not to this page's access token (an old link, from before
 * the server restarted): retrying can't help, a new link can.
 */
export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'refused';

/** What a drop hands over, read synchronously in the drop event (DataTransfer dies after it). */
export interface DropPayload {
  readonly files: readonly File[];
  /** `webkitGetAsEntry()` of each item, so folders can be walked; null where unsupported. */
  readonly entries: readonly (FileSystemEntry | null)[];
}

export interface UploadProgress {
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

/** Copies dropped files and folders into `targetDir` ('' = the folder's root). */
export type Uploader = (
  drop: DropPayload,
  targetDir: string,
  onProgress: (progress: UploadProgress) => void,
) => Promise<ImportReport>;

/** Shows the system's open dialog for files or folders and copies the picked into `targetDir`. */
export type Picker = (
  folders: boolean,
  targetDir: string,
) => Promise<ImportReport & { readonly canceled: boolean }>;

/** Everything the app needs from where it runs: Electron preload or headless WebSocket. */
export interface RendererTransport {
  readonly kind: 'electron' | 'headless';
  readonly client: ContractClient;
  readonly upload: Uploader;
  /** The system's open dialog, then a copy of what was picked (desktop app only). */
  readonly pick?: Picker;
  /** Saves a file of the folder with the browser's download (headless only). */
  readonly download?: (path: string) => Promise<void>;
  readonly connection: () => ConnectionStatus;
  readonly onConnectionChange: (listener: (status: ConnectionStatus) => void) => () => void;
}
