/**
 * Why the hub can't be used right now, in words a person can act on. One catalogue for the status
 * line, the CLI, the settings screen's "Test" button and the activity list, so the same failure
 * reads the same everywhere.
 *
 * Codes are what Node's sockets and PostgreSQL's SQLSTATEs say; a failure with no known code keeps
 * its own message.
 */

/** Codes that mean "the hub is not reachable now": retrying later may work, nothing to fix here. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  // admin_shutdown, crash_shutdown, cannot_connect_now (the hub is starting or stopping)
  '57P01',
  '57P02',
  '57P03',
  // connection_exception, connection_failure, sqlclient_unable_to_establish_sqlconnection
  '08000',
  '08006',
  '08001',
]);

/** Messages of connection failures that carry no code (pg's own timeouts and ends). */
const UNREACHABLE_MESSAGES =
  /timeout|timed out|Connection terminated|connection ended|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH/i;

/** Whether a failure means the hub can't be reached (offline), rather than something to fix. */
export function isHubUnreachable(code: string | undefined, message: string): boolean {
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return true;
  return UNREACHABLE_MESSAGES.test(message);
}

/**
 * The problem, as the second half of a sentence: "can't reach the hub at <where>: <this>".
 * `where` is host:port, never a URL with a password.
 */
export function hubProblemInWords(code: string | undefined, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing answers there, is it running?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'that host name is unknown (no network, or a typo in the address?)';
    case 'ETIMEDOUT':
      return 'it did not answer in time (network or firewall?)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'there is no route to it (is this device on the right network?)';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was cut';
    case '57P01':
    case '57P02':
    case '57P03':
      return 'the hub is restarting or shutting down';
    case '28P01':
    case '28000':
      return 'the hub refused this device’s user name or password';
    case '3D000':
      return 'the database named in the address does not exist';
    default:
      if (/timeout|timed out/i.test(message))
        return 'it did not answer in time (network or firewall?)';
      if (/terminated|ended/i.test(message)) return 'the connection was cut';
      return message;
  }
}

const UNREACHABLE_PREFIX = "can't reach the hub at ";

/** "can't reach the hub at 192.168.1.5:5433: nothing answers there, is it running?" */
export function hubUnreachableSentence(where: string, code: string | undefined, message: string) {
  return `${UNREACHABLE_PREFIX}${where}: ${hubProblemInWords(code, message)}`;
}

/** Whether a message is one of `hubUnreachableSentence`'s (where only the words travelled). */
export const saysHubUnreachable = (message: string): boolean =>
  message.includes(UNREACHABLE_PREFIX);

/**
 * What the hub's service answers a device whose credential it does not (or no longer) know: the
 * device was removed, or the hub reinstalled. Retrying can't help; joining again can.
 */
export const NOT_PAIRED_SENTENCE =
  'this device is not (or no longer) paired with this hub: join it again with a new invite';

/** Whether a sync error says the device must join again (see `NOT_PAIRED_SENTENCE`). */
export const saysNotPaired = (message: string): boolean => message.includes(NOT_PAIRED_SENTENCE);
