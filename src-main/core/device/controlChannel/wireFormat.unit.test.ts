import { describe, expect, it } from 'vitest';
import { encodeLine, parseClientLine } from './wireFormat.js';

describe('parseClientLine', () => {
  it('reads the four client messages', () => {
    expect(parseClientLine('{"type":"request","id":1,"channel":"state:get","payload":{}}')).toEqual(
      {
        ok: true,
        message: { type: 'request', id: 1, channel: 'state:get', payload: {} },
      },
    );
    expect(parseClientLine('{"type":"subscribe"}')).toEqual({
      ok: true,
      message: { type: 'subscribe' },
    });
    expect(parseClientLine('{"type":"unsubscribe"}')).toEqual({
      ok: true,
      message: { type: 'unsubscribe' },
    });
    expect(parseClientLine('{"type":"upload","id":4,"path":"a/b.txt","size":12}')).toEqual({
      ok: true,
      message: { type: 'upload', id: 4, path: 'a/b.txt', size: 12 },
    });
  });

  it('names the field and keeps a usable id when a message is malformed', () => {
    const negative = parseClientLine('{"type":"upload","id":4,"path":"a","size":-1}');
    expect(negative).toMatchObject({
      ok: false,
      id: 4,
      error: { code: 'InvalidArgument', field: 'size' },
    });
    if (!negative.ok) expect(negative.error.message).toMatch(/^malformed message: size: /);
    expect(
      parseClientLine('{"type":"request","id":1.5,"channel":"x","payload":null}'),
    ).toMatchObject({
      ok: false,
      id: 0,
      error: { field: 'id' },
    });
    expect(parseClientLine('{"type":"subscribe","id":3,"extra":true}')).toMatchObject({
      ok: false,
      id: 3,
    });
    expect(parseClientLine('[1,2]')).toMatchObject({ ok: false, id: 0 });
    expect(parseClientLine('null')).toMatchObject({ ok: false, id: 0 });
    expect(parseClientLine('{"type":')).toEqual({
      ok: false,
      id: 0,
      error: {
        code: 'InvalidArgument',
        message: 'malformed message: the line is not JSON',
        field: 'message',
      },
    });
  });
});

describe('encodeLine', () => {
  it('is one line whatever the strings hold', () => {
    const line = encodeLine({ type: 'response', id: 1, ok: true, value: 'a\nb\r\u2028c' });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
  });
});
