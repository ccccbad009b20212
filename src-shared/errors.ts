/**
 * One error type with stable codes. Codes cross process and IPC boundaries as
 * `{ code, message }`, so they are part of the contract: add, never rename.
 */
export const ERROR_CODES = [
  'InvalidEvent',
  'UnknownEventType',
  'PayloadTooLarge',
  'InvalidPath',
  'PathEscapesRoot',
  'DuplicatePath',
  'ClockAhead',
  'SeqConflict',
  'ChunkHashMismatch',
  'NotFound',
  'NoConflict',
  'InvalidArgument',
  'StoreError',
  'MigrationFailed',
  /** A file or folder could not be read, written or moved (permissions, disk full, busy). */
  'FileSystemError',
  /** The hub's schema lacks migrations this version needs (run `netguardian hub init`). */
  'SchemaOutdated',
  /** The hub refused this device's role (not allowed, not a member of the space). */
  'AccessDenied',
  /** Another process runs this device (owns its data directory); talk to it instead. */
  'AlreadyRunning',
  /** The hub could not be reached (nothing answers, no route, timed out). */
  'HubUnreachable',
  /**
   * A received file or folder can't be placed: a file and a folder have its name (a file where
   * its folder should be, or a folder holding files where the file should be).
   */
  'PathBlocked',
  /**
   * The synced folder is not there, or not recognized (its marker file missing or another
   * folder's): nothing was recorded from it or written into it.
   */
  'FolderMissing',
  /**
   * `folder attach` refused: the folder looks like another one (empty, most files missing,
   * another synced folder's marker); `--force` attaches it anyway.
   */
  'AttachRefused',
  /** The hub and this device speak incompatible versions of the sync protocol. */
  'ProtocolMismatch',
  /** An invite code that is malformed, unknown, used, expired, or for a node id already paired. */
  'InviteRefused',
  /** The hub presented a certificate other than the one this device paired with. */
  'CertificateMismatch',
  /** The space's storage quota on the hub would be exceeded. */
  'QuotaExceeded',
  /** Too many attempts or connections; try again later. */
  'RateLimited',
  /** A pushed event is not the authenticated device's own (another origin). */
  'WrongOrigin',
  /** A pushed event's seq leaves a gap after what the hub holds of that device. */
  'SeqGap',
  /**
   * The disk holding the folder lacks the free space a write needs, keeping the device's reserve
   * free (diskSpace.ts): nothing was written.
   */
  'NoSpace',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
  /** The field or path the error is about, when there is one (e.g. `entityId`, `data.size`). */
  readonly field?: string;
}

export class NetGuardianError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'NetGuardianError';
    this.code = code;
    this.field = field;
  }

  static from(info: ErrorInfo): NetGuardianError {
    return new NetGuardianError(info.code, info.message, info.field);
  }

  toInfo(): ErrorInfo {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export const isNetGuardianError = (e: unknown): e is NetGuardianError =>
  e instanceof NetGuardianError;
