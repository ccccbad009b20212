/**
 * A device's name, the one other devices see (Devices, history, conflicts): one rule and one
 * sentence for the settings form, the core's `settings:update` and the hub's rename route. Pure.
 */

/** As the hub's pairing request allows it (`pairRequestSchema`). */
export const MAX_DEVICE_NAME = 64;

export const DEVICE_NAME_RULE =
  'Choose a device name of 1 to 64 characters, not only spaces, without line breaks or tabs.';

// eslint-disable-next-line no-control-regex -- control characters are exactly what it finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * The name as it is kept (spaces around it dropped), or the rule's sentence. Control characters
 * would garble every listing where the name is shown.
 */
export function checkDeviceName(
  typed: string,
): { readonly ok: true; readonly name: string } | { readonly ok: false; readonly message: string } {
  const name = typed.trim();
  return name.length === 0 || name.length > MAX_DEVICE_NAME || CONTROL_CHARACTER.test(name)
    ? { ok: false, message: DEVICE_NAME_RULE }
    : { ok: true, name };
}
