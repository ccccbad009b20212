import type { CoreService } from '../../app/corePort.js';
import type { UploadResult } from '../../app/receiveUpload.js';

/**
 * What the owner serves on its control channel: the contract's handlers and pushes (as
 * over the Electron port and the headless WebSocket), plus uploads. `AppService` is one.
 */
export interface ControlService extends CoreService {
  /** One file's bytes into the folder; validates the path (receiveUpload.ts). */
  receiveUpload(
    relPath: string,
    body: AsyncIterable<Uint8Array>,
    size: number | null,
  ): Promise<UploadResult>;
}
