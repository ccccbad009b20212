import { NetGuardianError } from '../errors.js';
import { ID_PATTERN } from '../paths.js';
import { err, ok, type Result } from '../result.js';

/**
 * The invite code a hub's owner sends to a new device: everything it needs to pair, in one string
 * to paste. `ng1-` then the base64url of compact JSON
 * `{"a":address,"f":fingerprint,"k":secret,"s":spaceId}`:
 * - `a`: where the hub listens, `host:port` (an IPv6 address in brackets: `[::1]:7443`);
 * - `f`: the SHA-256 fingerprint of the hub's certificate, which the device pins;
 * - `k`: the invite's one-time secret;
 * - `s`: the space the invite joins.
 *
 * Runs in the renderer too: no Node APIs, no TextEncoder (not in shared's lib). The JSON is kept
 * ASCII (other characters as `\u` escapes), so base64 works on its character codes directly.
 * Whitespace anywhere in a pasted code (line breaks from a mail or a chat) is ignored.
 */

export interface Invite {
  readonly address: string;
  readonly fingerprint: string;
  readonly secret: string;
  readonly spaceId: string;
}

export const INVITE_PREFIX = 'ng1-';

const FINGERPRINT = /^[0-9a-f]{64}$/;
/** base64url, as long as the pairing request allows (`pairRequestSchema`). */
const SECRET = /^[A-Za-z0-9_-]{16,200}$/;
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const IPV6_IN_BRACKETS = /^\[[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9._-]+)?\]$/;
const PORT = /^[0-9]{1,5}$/;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE_OF = new Map([...ALPHABET].map((c, i) => [c, i]));

const refused = (message: string, field?: string) =>
  new NetGuardianError('InviteRefused', message, field);

/** `host:port` → its parts (brackets of an IPv6 host removed), or a sentence saying what is wrong. */
export function splitAddress(address: string): Result<{ host: string; port: number }, string> {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) return err(`must be host:port, got ${JSON.stringify(address)}`);
  const host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  const port = Number(portText);
  if (!PORT.test(portText) || port < 1 || port > 65535)
    return err(`must end in a port from 1 to 65535, got ${JSON.stringify(address)}`);
  if (IPV6_IN_BRACKETS.test(host)) return ok({ host: host.slice(1, -1), port });
  if (host.includes(':'))
    return err(`must put an IPv6 address in brackets ([::1]:7443), got ${JSON.stringify(address)}`);
  if (!HOST_NAME.test(host))
    return err(`must start with a host name or IP address, got ${JSON.stringify(address)}`);
  return ok({ host, port });
}

/** The invite as one pastable string. Throws if a field is invalid (a bug in the caller). */
export function encodeInvite(invite: Invite): string {
  const checked = checkFields(invite);
  if (!checked.ok) throw checked.error;
  const json = JSON.stringify({
    a: invite.address,
    f: invite.fingerprint,
    k: invite.secret,
    s: invite.spaceId,
  }).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return INVITE_PREFIX + toBase64Url(json);
}

/** A pasted invite code → the invite, or `InviteRefused` saying what is wrong with it. */
export function decodeInvite(code: string): Result<Invite, NetGuardianError> {
  const compact = code.replace(/\s+/g, '');
  if (compact === '')
    return err(refused('the invite code is empty: paste the code you were sent', 'code'));
  if (!compact.startsWith(INVITE_PREFIX))
    return err(
      refused(
        `this is not a NetGuardian invite code (those start with "${INVITE_PREFIX}")`,
        'code',
      ),
    );
  const damaged = refused(
    'this invite code is damaged or cut short: copy it again, whole, from the message you were sent',
    'code',
  );
  const json = fromBase64Url(compact.slice(INVITE_PREFIX.length));
  if (json === undefined) return err(damaged);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return err(damaged);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return err(damaged);
  const fields = parsed as Record<string, unknown>;
  const text = (key: string): string => (typeof fields[key] === 'string' ? fields[key] : '');
  const invite: Invite = {
    address: text('a'),
    fingerprint: text('f'),
    secret: text('k'),
    spaceId: text('s'),
  };
  const checked = checkFields(invite);
  return checked.ok ? ok(invite) : checked;
}

function checkFields(invite: Invite): Result<Invite, NetGuardianError> {
  const missing = (what: string, field: string) =>
    err(refused(`this invite code has no ${what}: ask for a new one`, field));
  if (invite.address === '') return missing('hub address', 'address');
  const address = splitAddress(invite.address);
  if (!address.ok) return err(refused(`the invite's hub address ${address.error}`, 'address'));
  if (invite.fingerprint === '') return missing('certificate fingerprint', 'fingerprint');
  if (!FINGERPRINT.test(invite.fingerprint))
    return err(
      refused(
        "the invite's certificate fingerprint must be 64 lowercase hex digits (a SHA-256)",
        'fingerprint',
      ),
    );
  if (invite.secret === '') return missing('secret', 'secret');
  if (!SECRET.test(invite.secret))
    return err(refused("the invite's secret must be 16-200 characters of base64url", 'secret'));
  if (invite.spaceId === '') return missing('space', 'spaceId');
  if (!ID_PATTERN.test(invite.spaceId))
    return err(
      refused(
        `the invite's space ${JSON.stringify(invite.spaceId)} must be 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit`,
        'spaceId',
      ),
    );
  return ok(invite);
}

/** base64url without padding of an ASCII string (each character one byte). */
function toBase64Url(ascii: string): string {
  let out = '';
  for (let i = 0; i < ascii.length; i += 3) {
    const n = ascii.length - i;
    const b0 = ascii.charCodeAt(i);
    const b1 = n > 1 ? ascii.charCodeAt(i + 1) : 0;
    const b2 = n > 2 ? ascii.charCodeAt(i + 2) : 0;
    const triple = (b0 << 16) | (b1 << 8) | b2;
    out += ALPHABET.charAt((triple >> 18) & 63) + ALPHABET.charAt((triple >> 12) & 63);
    if (n > 1) out += ALPHABET.charAt((triple >> 6) & 63);
    if (n > 2) out += ALPHABET.charAt(triple & 63);
  }
  return out;
}

/**
 * base64url (padding tolerated) → the ASCII string it encodes, or undefined if it is not
 * base64url, was cut at an impossible length, or holds bytes outside printable ASCII.
 */
function fromBase64Url(text: string): string | undefined {
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  let out = '';
  let bits = 0;
  let buffer = 0;
  for (const c of body) {
    const v = VALUE_OF.get(c);
    if (v === undefined) return undefined;
    buffer = ((buffer << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (buffer >> bits) & 0xff;
      if (byte < 0x20 || byte > 0x7e) return undefined;
      out += String.fromCharCode(byte);
    }
  }
  return out;
}
