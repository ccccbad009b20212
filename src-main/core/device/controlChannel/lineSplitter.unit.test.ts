import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lineSplitter.js';

const drain = (splitter: LineSplitter) => {
  const out: string[] = [];
  for (let r = splitter.next(); r !== undefined; r = splitter.next()) {
    out.push(r.kind === 'line' ? r.text : '<tooLong>');
    if (r.kind === 'tooLong') break;
  }
  return out;
};

describe('LineSplitter', () => {
  it('cuts lines across chunk boundaries, keeping a split UTF-8 character whole', () => {
    const s = new LineSplitter(100);
    const bytes = Buffer.from('héllo\nwörld\n\nlast', 'utf8');
    // Split inside the two-byte 'é' and inside 'ö'.
    s.push(bytes.subarray(0, 2));
    expect(drain(s)).toEqual([]);
    s.push(bytes.subarray(2, 9));
    expect(drain(s)).toEqual(['héllo']);
    s.push(bytes.subarray(9));
    expect(drain(s)).toEqual(['wörld', '']);
    expect(s.hasPartialLine).toBe(true);
    s.push(Buffer.from('\n'));
    expect(drain(s)).toEqual(['last']);
    expect(s.hasPartialLine).toBe(false);
  });

  it('reports tooLong once an unfinished line passes the limit, and stays done', () => {
    const s = new LineSplitter(10);
    s.push(Buffer.from('0123456789'));
    expect(drain(s)).toEqual([]); // exactly the limit, still waiting for its newline
    s.push(Buffer.from('x'));
    expect(drain(s)).toEqual(['<tooLong>']);
    s.push(Buffer.from('\nok\n'));
    expect(s.next()).toEqual({ kind: 'tooLong' });
  });

  it('accepts a line of exactly the limit and refuses one byte more, newline found at once', () => {
    const s = new LineSplitter(4);
    s.push(Buffer.from('abcd\nabcde\n'));
    expect(drain(s)).toEqual(['abcd', '<tooLong>']);
  });

  it('hands over the bytes after a line (an upload body) and goes on from there', () => {
    const t = new LineSplitter(100);
    t.push(Buffer.from('head\nRAW'));
    t.push(Buffer.from('BYTES'));
    expect(t.next()).toEqual({ kind: 'line', text: 'head' });
    expect(t.takeRest().toString()).toBe('RAWBYTES');
    expect(t.next()).toBeUndefined();
  });
});
