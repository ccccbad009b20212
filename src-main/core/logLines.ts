/**
 * pino's JSON records as lines a person reads: `2026-12-04T23:55:01.123Z warn owner: a store
 * server outlived its owner; stopping it (pid=16326)`. One line per record: the time, the level,
 * the module, the message, then the other fields as key=value (values as compact JSON). Pure.
 */

const LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Fields that the line's head already says. */
const HEAD = new Set(['time', 'level', 'module', 'part', 'msg']);

export function logLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof record['time'] === 'number' ? new Date(record['time']).toISOString() : '';
  const level = LEVELS[Number(record['level'])] ?? String(record['level']);
  const part = typeof record['part'] === 'string' ? `/${record['part']}` : '';
  const module = typeof record['module'] === 'string' ? ` ${record['module']}${part}:` : '';
  const message = typeof record['msg'] === 'string' ? ` ${record['msg']}` : '';
  const rest = Object.entries(record)
    .filter(([key]) => !HEAD.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${time} ${level}${module}${message}${rest.length > 0 ? ` (${rest.join(', ')})` : ''}\n`;
}
