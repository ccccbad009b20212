import { ERROR_CODES, type ErrorCode } from './errors.js';
import { hubProblemInWords } from './hubProblems.js';

/**
 * Every failure a person can meet, as a sentence that says what happened and what to do: one
 * catalogue for the app (activity, notices, the status header), the tray and the CLI, so the same
 * failure reads the same everywhere and no raw code ("connect ECONNREFUSED 127.0.0.1:5477")
 * reaches anyone. `errorInWords` is the one function all three call. Pure: no Node, no DOM.
 *
 * Two kinds of codes meet here: NetGuardian's own (`ErrorCode`, whose messages the core already
 * writes as sentences; the catalogue adds what to do when the message doesn't say it) and the
 * system's (Node's socket and file errors, TLS's certificate errors), whose messages are never
 * shown: their sentence replaces them.
 */

/** What happened, and what to do about it: each a clause without its full stop. */
export interface ErrorSentence {
  readonly happened: string;
  readonly todo: string;
}

/** The two clauses as one text: "What happened. What to do." */
export const sentenceText = (s: ErrorSentence): string =>
  `${endSentence(s.happened)} ${endSentence(s.todo)}`;

/** NetGuardian's own codes (src-shared/errors.ts); a new code fails to compile until worded here. */
export const CODE_SENTENCES: Readonly<Record<ErrorCode, ErrorSentence>> = {
  InvalidEvent: {
    happened: 'A change from another device was malformed, so it was set aside',
    todo: 'Your files are safe; update NetGuardian on every device so they all speak the same version',
  },
  UnknownEventType: {
    happened: 'A change from another device is of a kind this version does not know',
    todo: 'Update NetGuardian on this device',
  },
  PayloadTooLarge: {
    happened: 'A change was too large to send',
    todo: 'Split it into smaller files; everything else keeps syncing',
  },
  InvalidPath: {
    happened: 'That name cannot be used for a file or folder',
    todo: 'Choose another name (without / \\ : * ? " < > |) and try again',
  },
  PathEscapesRoot: {
    happened: 'That path points outside the synced folder',
    todo: 'Pick a file or folder inside the synced folder',
  },
  DuplicatePath: {
    happened: 'A file or folder with that name is already there',
    todo: 'Choose another name, or move the other one first',
  },
  ClockAhead: {
    happened: 'A change is dated too far in the future to be trusted',
    todo: 'Check that the date and time are right on every device',
  },
  SeqConflict: {
    happened: "This device's record of its own changes disagrees with the hub's",
    todo: 'Make sure only one NetGuardian runs this device; if it was restored from a backup, join the hub again',
  },
  ChunkHashMismatch: {
    happened: 'Part of a file arrived damaged, so it was not used',
    todo: 'Nothing to do: NetGuardian fetches it again at the next sync',
  },
  NotFound: {
    happened: 'That file, folder or version is not there anymore',
    todo: 'Refresh the list: it may have been moved or deleted meanwhile',
  },
  NoConflict: {
    happened: 'That file has no conflict to settle anymore',
    todo: 'Refresh the Conflicts screen: it may have been settled already',
  },
  InvalidArgument: {
    happened: 'That request cannot be carried out as given',
    todo: 'Check what you entered and try again',
  },
  StoreError: {
    happened: "NetGuardian's local database failed",
    todo: 'Restart NetGuardian; if it happens again, check that the disk is not full',
  },
  MigrationFailed: {
    happened: 'NetGuardian could not update its local database to this version',
    todo: 'Restart NetGuardian; if it fails again, go back to the previous version and report the problem',
  },
  FileSystemError: {
    happened: 'A file or folder could not be read, written or moved',
    todo: 'Check that no other program holds it and that you may change it; NetGuardian tries again at the next sync',
  },
  SchemaOutdated: {
    happened: 'The hub is older than this version of NetGuardian',
    todo: 'Update the hub: run netguardian hub init on the computer that runs it',
  },
  AccessDenied: {
    happened: 'The hub refused this device',
    todo: "Ask the hub's owner for a new invite and join again",
  },
  AlreadyRunning: {
    happened: 'NetGuardian already runs this device in another process',
    todo: 'Stop it first, or run commands while it runs: they talk to it',
  },
  HubUnreachable: {
    happened: "Can't reach the hub",
    todo: 'NetGuardian keeps trying; check that the hub is running and this device is online',
  },
  PathBlocked: {
    happened: 'A received file cannot be placed: a file or folder of the same name is in the way',
    todo: 'Rename or move the one in the way; the received file is written once there is room',
  },
  FolderMissing: {
    happened: 'The synced folder is not there, or not recognized',
    todo: 'Reconnect its drive or move it back; if it is the synced folder, re-attach it: netguardian folder attach',
  },
  AttachRefused: {
    happened: 'That folder does not look like the synced folder',
    todo: 'Check that you picked the right folder; to attach it anyway, add --force',
  },
  ProtocolMismatch: {
    happened: 'The hub and this device run versions of NetGuardian that cannot talk to each other',
    todo: 'Update NetGuardian on this device and on the hub',
  },
  InviteRefused: {
    happened: 'The invite code was not accepted (mistyped, used already, or expired)',
    todo: 'Ask for a new invite code and join again',
  },
  CertificateMismatch: {
    happened: 'The hub showed another certificate than the one this device paired with',
    todo: 'If the hub was reinstalled, join it again with a new invite; if not, someone may be in the way: do not sync until you know why',
  },
  QuotaExceeded: {
    happened: "The space's storage on the hub is full",
    todo: "Delete files you no longer need, or ask the hub's owner for more room",
  },
  RateLimited: {
    happened: 'Too many attempts in a short time',
    todo: 'Wait a minute and try again',
  },
  WrongOrigin: {
    happened: 'The hub refused a change this device did not make',
    todo: 'Update NetGuardian; if it happens again, join the hub again with a new invite',
  },
  SeqGap: {
    happened: "The hub is missing some of this device's earlier changes",
    todo: 'Nothing to do: NetGuardian sends them again at the next sync',
  },
  NoSpace: {
    happened: 'The disk holding the folder is too full to write this',
    todo: 'Free some space on it; NetGuardian writes the file once there is room',
  },
};

/**
 * The system's codes this catalogue words: Node's socket and file errors and TLS's certificate
 * errors. Their messages ("connect ECONNREFUSED 127.0.0.1:5477") are never shown.
 */
export const SYSTEM_ERROR_CODES = [
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EACCES',
  'EPERM',
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EBUSY',
  'EMFILE',
  'ENFILE',
  'ENOENT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
] as const;
export type SystemErrorCode = (typeof SYSTEM_ERROR_CODES)[number];

/** What a system error is about, as far as its message tells. */
export interface ErrorSubject {
  /** The host it tried to reach ("127.0.0.1", "::1"), without the port. */
  readonly host?: string;
  /**
   * The port, when the message named one: a hub's processes may share a host, so which one did
   * not answer is part of the sentence ("the hub at 127.0.0.1:7443").
   */
  readonly port?: string;
  /** The file or folder it tried to use. */
  readonly path?: string;
  /**
   * The connection was to the NetGuardian process running this device (its control socket),
   * not to the hub.
   */
  readonly local?: boolean;
}

const hubAt = (s: ErrorSubject) =>
  s.host === undefined ? 'the hub' : `the hub at ${hostAndPort(s.host, s.port)}`;
/** "10.0.0.5:7443", "[::1]:7443", or the host alone when no port is known. */
const hostAndPort = (host: string, port: string | undefined) =>
  port === undefined ? host : host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
const itAt = (s: ErrorSubject, what: string) => (s.path === undefined ? what : s.path);
const CERT_TODO =
  "Join the hub again with a new invite from its owner; if the hub didn't change, someone may be in the way: do not sync until you know why";

/** The sentence for a system error. */
export function systemSentence(code: SystemErrorCode, s: ErrorSubject = {}): ErrorSentence {
  if (s.local === true && isNetworkCode(code))
    return {
      happened: "Can't reach the NetGuardian process running this device",
      todo: 'Start NetGuardian (the app, or netguardian start) and try again',
    };
  switch (code) {
    case 'ECONNREFUSED':
      return {
        happened: `Can't reach ${hubAt(s)}`,
        todo: 'NetGuardian keeps trying; check that the hub is running',
      };
    case 'ETIMEDOUT':
      return {
        happened: `${capitalize(hubAt(s))} did not answer in time`,
        todo: 'NetGuardian keeps trying; check the network and any firewall between this device and the hub',
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        happened:
          s.host === undefined
            ? "Can't find the hub's address"
            : `Can't find the hub's address ${s.host}`,
        todo: 'Check that this device is online and that the address is spelled right',
      };
    case 'ECONNRESET':
    case 'EPIPE':
      return {
        happened: `The connection to ${hubAt(s)} was cut`,
        todo: 'NetGuardian reconnects by itself; if it keeps happening, check the network',
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return {
        happened: `There is no network route to ${hubAt(s)}`,
        todo: "Check that this device is on the hub's network (Wi-Fi, cable or VPN)",
      };
    case 'EACCES':
    case 'EPERM':
      return {
        happened: `NetGuardian is not allowed to read or change ${itAt(s, 'a file or folder')}`,
        todo: 'Check its permissions, or close the program that locks it; NetGuardian tries again at the next sync',
      };
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        happened: 'The disk is full',
        todo: 'Free some space on it; NetGuardian goes on once there is room',
      };
    case 'EROFS':
      return {
        happened: `${capitalize(itAt(s, 'the folder'))} is on a disk that can only be read`,
        todo: 'Mount the disk so it can be written, or sync another folder',
      };
    case 'EBUSY':
      return {
        happened: `${capitalize(itAt(s, 'a file'))} is in use by another program`,
        todo: 'Close that program; NetGuardian tries again at the next sync',
      };
    case 'EMFILE':
    case 'ENFILE':
      return {
        happened: 'This computer has too many files open at once',
        todo: 'Close some programs; NetGuardian tries again at the next sync',
      };
    case 'ENOENT':
      return {
        happened: `${capitalize(itAt(s, 'A file or folder'))} is not there anymore`,
        todo: 'Nothing to do if you moved or deleted it; otherwise check that its drive is connected',
      };
    case 'CERT_HAS_EXPIRED':
      return { happened: "The hub's certificate has expired", todo: CERT_TODO };
    case 'CERT_NOT_YET_VALID':
      return {
        happened: "The hub's certificate is not valid yet",
        todo: "Check this device's date and time; if they are right, join the hub again with a new invite",
      };
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return { happened: "The hub's certificate can't be trusted", todo: CERT_TODO };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return { happened: "The hub's certificate is for another address", todo: CERT_TODO };
    default: {
      const never: never = code;
      throw new Error(`unhandled system error code ${String(never)}`);
    }
  }
}

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const isNetworkCode = (code: string): boolean => NETWORK_CODES.has(code);

const isSystemCode = (code: string): code is SystemErrorCode =>
  (SYSTEM_ERROR_CODES as readonly string[]).includes(code);
const isErrorCode = (code: string): code is ErrorCode =>
  (ERROR_CODES as readonly string[]).includes(code);

/** A system code written in a message ("connect ECONNREFUSED 127.0.0.1:5477"). */
const SYSTEM_CODE_IN_TEXT = new RegExp(`\\b(${SYSTEM_ERROR_CODES.join('|')})\\b`);

/** What follows a network code in Node's message: the address ("127.0.0.1:5477", "hub.lan"). */
function subjectOf(code: string, message: string): ErrorSubject {
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (!isNetworkCode(code)) return quoted === undefined ? {} : { path: quoted };
  const target = new RegExp(`${code}\\s+(\\S+)`).exec(message)?.[1] ?? quoted;
  if (target === undefined) return {};
  if (target.startsWith('/') || target.startsWith('\\\\') || target.endsWith('.sock'))
    return { local: true };
  return addressSubject(target.replace(/[.,;]$/, ''));
}

/**
 * "10.0.0.5:7443", "[::1]:7443" (a URL's way), "::1:7443" (Node's way in a connect error: the
 * last number is the port when what is left is still an IPv6 address), "hub.lan" as host and
 * port; "::1" and "fe80::1" alone are hosts.
 */
function addressSubject(address: string): ErrorSubject {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(address);
  const withPort = bracketed ? null : /^(.*[^:]):(\d+)$/.exec(address);
  // An IPv6 address written out in full ends in a group of digits that is no port.
  const fullIpv6 = withPort?.[1]?.includes(':') === true && !withPort[1].includes('::');
  const split = fullIpv6 ? null : withPort;
  const host = bracketed?.[1] ?? split?.[1] ?? address;
  const port = bracketed?.[2] ?? split?.[2];
  if (host === '') return {};
  return port === undefined ? { host } : { host, port };
}

/**
 * Leading words that name where a failure came from, not what it is: a request's channel
 * ("settings:update: "), Node's "Error: ", and the activity's "Sync failed: " (the row says it is
 * a problem already).
 */
const SOURCE_PREFIX = /^(?:(?:Error|Sync failed|sync failed|[a-z]+:[a-zA-Z]+):\s+)+/;

/**
 * The words of `hubUnreachableSentence` (src-shared/hubProblems.ts), read back: "can't reach the
 * hub at 10.0.0.5:5433: nothing answers there, is it running?". The core says that clause where
 * only words travel (the sync report); here it becomes the catalogue's sentence.
 */
const HUB_CLAUSE = /^can['’]t reach the hub at (\S+?):\s+(.*)$/i;
const HUB_WORDS_CODE: ReadonlyMap<string, SystemErrorCode> = new Map(
  (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'] as const).map(
    (code) => [hubProblemInWords(code, ''), code],
  ),
);

/** A failure a person can't act on as written: its catalogue sentence instead; null if none. */
function rawFailureSentence(code: string | undefined, message: string): ErrorSentence | null {
  if (code !== undefined && isSystemCode(code))
    return systemSentence(code, subjectOf(code, message));
  const hub = HUB_CLAUSE.exec(message.replace(SOURCE_PREFIX, ''));
  if (hub) {
    const where = addressSubject(hub[1] ?? '');
    const said = HUB_WORDS_CODE.get((hub[2] ?? '').trim());
    if (said !== undefined) return systemSentence(said, where);
    return { happened: `Can't reach ${hubAt(where)}`, todo: CODE_SENTENCES.HubUnreachable.todo };
  }
  const inText = SYSTEM_CODE_IN_TEXT.exec(message)?.[1];
  if (inText !== undefined && isSystemCode(inText))
    return systemSentence(inText, subjectOf(inText, message));
  if (code === '28P01' || code === '28000' || /password authentication failed/i.test(message))
    return {
      happened: "The hub refused this device's credentials",
      todo: "Ask the hub's owner for a new invite and join again",
    };
  return null;
}

/** Advice a message already gives ("…: join it again", "try again"), so none is added. */
const GIVES_ADVICE =
  /\b(?:try again|tries again|keeps trying|run `?netguardian|netguardian [a-z]+ [a-z-]+)|[:;]\s*(?:try|check|run|join|restart|re-attach|stop|start|free|ask|update|wait|rename|move|use|give|pick|choose|open|delete|remove|review|invite)\b/i;

interface Failure {
  readonly code: string | undefined;
  readonly message: string;
}

function failureOf(error: unknown): Failure {
  if (typeof error === 'string') return { code: undefined, message: error };
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : undefined,
      message: typeof message === 'string' ? message : '',
    };
  }
  return { code: undefined, message: '' };
}

/**
 * Whether a failure's text is the system's, not a sentence (a socket's or a file's code, TLS's
 * certificate words, the core's unreachable clause): such text is never shown as it is.
 */
export function isRawFailure(error: unknown): boolean {
  const { code, message } = failureOf(error);
  return rawFailureSentence(code, message) !== null;
}

/**
 * Any failure (an `Error`, an `ErrorInfo` from across IPC, or a message) as the sentence a person
 * reads: a system failure by its catalogue sentence; NetGuardian's own by its message with what
 * to do added when the message doesn't say; a sentence already in words stays as it is (so
 * wording twice changes nothing).
 */
export function errorInWords(error: unknown): string {
  const { code, message } = failureOf(error);
  const raw = rawFailureSentence(code, message);
  if (raw !== null) return sentenceText(raw);
  const known = code !== undefined && isErrorCode(code) ? CODE_SENTENCES[code] : undefined;
  // Where it came from is noise beside a code's words; without a code it is all the context.
  const detail = (known ? message.replace(SOURCE_PREFIX, '') : message).trim();
  if (detail === '')
    return known
      ? sentenceText(known)
      : 'Something went wrong. Try again; if it keeps happening, restart NetGuardian.';
  // No code and nothing recognized: a sentence someone wrote already, kept exactly.
  if (!known) return detail;
  const said = endSentence(capitalize(detail));
  if (GIVES_ADVICE.test(detail) || detail.includes(known.todo)) return said;
  return `${said} ${endSentence(known.todo)}`;
}

/**
 * A text's first sentence (what happened, without its full stop) and the rest (what to do, or
 * ''): for a headline with its detail under it, or "… since 20:44 · 7 tries" after what happened.
 */
export function splitFirstSentence(text: string): {
  readonly first: string;
  readonly rest: string;
} {
  // A stop followed by a space ends a sentence; "127.0.0.1" or "notes.txt" does not.
  const end = /[.!?](?=\s)/.exec(text);
  if (end === null) return { first: text.replace(/\.$/, ''), rest: '' };
  return {
    first: text.slice(0, end[0] === '.' ? end.index : end.index + 1),
    rest: text.slice(end.index + 1).trim(),
  };
}

/** A sentence's first letter up, unless it starts with a name ("docs/a.txt", "--port"). */
function capitalize(text: string): string {
  return /^[a-z]+(?:[\s,'’]|$)/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

function endSentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}
