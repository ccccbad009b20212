import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The vocabulary of the folder-level harness: what a user (or a machine) does to
 * the real folders of three devices. The generator emits these from a seed; a
 * failing run's list is written as a JSON fixture of the same ops and replayed
 * forever. Ops name paths, not state: the applier makes each one mean what a
 * person at that folder would do right then, and skips (and says so) an op whose
 * source is not there, so a fixed list replays on any timing.
 */

const device = z.number().int().min(0).max(2);
/** A folder-relative POSIX path. */
const relPath = z.string().min(1).max(200);
/**
 * File content, made from (size, fill) alone (`contentBytes`): fixtures stay
 * small and every device writes the same bytes for the same op.
 */
const content = z.strictObject({
  size: z
    .number()
    .int()
    .min(0)
    .max(4 * 1024 * 1024),
  fill: z.number().int().min(0),
});
/** rwx bits, as `chmod` takes them. */
const mode = z.number().int().min(0).max(0o777);

export const opSchema = z.discriminatedUnion('t', [
  /** Create or overwrite a file (parents made as needed): an edit that may change its size. */
  z.strictObject({ t: z.literal('write'), d: device, path: relPath, content }),
  /** Append to a file in place (an editor saving a longer version; a log growing). */
  z.strictObject({ t: z.literal('append'), d: device, path: relPath, content }),
  z.strictObject({ t: z.literal('mkdir'), d: device, path: relPath }),
  /** `mv from to` of a file; a file at `to` is replaced, as rename(2) does. */
  z.strictObject({ t: z.literal('rename'), d: device, from: relPath, to: relPath }),
  /** `mv from to` of a folder with everything in it; skipped if `to` exists. */
  z.strictObject({ t: z.literal('renameDir'), d: device, from: relPath, to: relPath }),
  z.strictObject({ t: z.literal('delete'), d: device, path: relPath }),
  /** `rm -rf` of a folder. */
  z.strictObject({ t: z.literal('deleteTree'), d: device, path: relPath }),
  /** `rm -rf d && write d` at full speed: a folder becomes a file in one burst. */
  z.strictObject({ t: z.literal('dirToFile'), d: device, path: relPath, content }),
  /** `rm f && mkdir f && write f/child`: a file becomes a folder. */
  z.strictObject({
    t: z.literal('fileToDir'),
    d: device,
    path: relPath,
    child: z.string().min(1).max(40),
    content,
  }),
  /** `mv Readme.md README.md`: only the case of the last segment changes. */
  z.strictObject({ t: z.literal('caseRename'), d: device, from: relPath, to: relPath }),
  z.strictObject({ t: z.literal('chmod'), d: device, path: relPath, mode }),
  /**
   * `src` writes `path`; the moment device `d`'s materializer starts writing it
   * (its temp file appears beside the target), `d` writes its own content there.
   */
  z.strictObject({
    t: z.literal('editDuringPull'),
    src: device,
    d: device,
    path: relPath,
    remote: content,
    local: content,
  }),
  /** The device's owner stops (the app quits); `start` opens it again on the same data dir. */
  z.strictObject({ t: z.literal('stop'), d: device }),
  z.strictObject({ t: z.literal('start'), d: device }),
  /** The hub becomes unreachable (connections reset, new ones refused), and comes back. */
  z.strictObject({ t: z.literal('hubDown') }),
  z.strictObject({ t: z.literal('hubUp') }),
  /** Hub up, every device running, sync until nothing moves (quiesce.ts). */
  z.strictObject({ t: z.literal('quiesce') }),
]);

export type Op = z.infer<typeof opSchema>;
export type OpType = Op['t'];
export type Content = z.infer<typeof content>;

/**
 * Op kinds grouped as they are switched on and off (`FOLDER_OPS_OFF`). `stop`/`start` go
 * together, as do `hubDown`/`hubUp`; `quiesce` cannot be switched off.
 */
export const OP_KINDS = {
  write: ['write'],
  append: ['append'],
  mkdir: ['mkdir'],
  rename: ['rename'],
  renameDir: ['renameDir'],
  delete: ['delete'],
  deleteTree: ['deleteTree'],
  dirToFile: ['dirToFile'],
  fileToDir: ['fileToDir'],
  caseRename: ['caseRename'],
  chmod: ['chmod'],
  editDuringPull: ['editDuringPull'],
  restart: ['stop', 'start'],
  outage: ['hubDown', 'hubUp'],
} as const satisfies Record<string, readonly OpType[]>;

export type OpKind = keyof typeof OP_KINDS;
export const ALL_KINDS = Object.keys(OP_KINDS) as OpKind[];

/** The switchable kind an op type belongs to (none for `quiesce`). */
export function kindOfType(t: OpType): OpKind | undefined {
  for (const kind of ALL_KINDS) {
    if ((OP_KINDS[kind] as readonly OpType[]).includes(t)) return kind;
  }
  return undefined;
}

export const kindOf = (op: Op): OpKind | undefined => kindOfType(op.t);

/**
 * The bytes of a content: a readable header (so a stray file in a failure is
 * recognizable), then pseudo-random bytes from `fill` (xorshift32), so two contents
 * differ unless both are empty, and large ones do not compress into one chunk.
 */
export function contentBytes(c: Content): Buffer {
  const out = Buffer.alloc(c.size);
  const head = Buffer.from(`ng-harness fill ${c.fill}\n`);
  head.copy(out, 0, 0, Math.min(head.length, c.size));
  let x = (c.fill * 2654435761 + 1) >>> 0 || 1;
  for (let i = head.length; i < c.size; i += 1) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export const sha256 = (bytes: Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex');

/** One line per op, for failure messages and the log. */
export function describeOp(op: Op): string {
  const c = (x: Content) => `${x.size}B#${x.fill}`;
  switch (op.t) {
    case 'write':
    case 'append':
      return `${op.t} d${op.d} ${op.path} ${c(op.content)}`;
    case 'dirToFile':
      return `dirToFile d${op.d} ${op.path} ${c(op.content)}`;
    case 'fileToDir':
      return `fileToDir d${op.d} ${op.path}/${op.child} ${c(op.content)}`;
    case 'mkdir':
    case 'delete':
    case 'deleteTree':
      return `${op.t} d${op.d} ${op.path}`;
    case 'rename':
    case 'renameDir':
    case 'caseRename':
      return `${op.t} d${op.d} ${op.from} -> ${op.to}`;
    case 'chmod':
      return `chmod d${op.d} ${op.path} ${op.mode.toString(8)}`;
    case 'editDuringPull':
      return `editDuringPull d${op.src}->d${op.d} ${op.path} ${c(op.remote)} / ${c(op.local)}`;
    case 'stop':
    case 'start':
      return `${op.t} d${op.d}`;
    case 'hubDown':
    case 'hubUp':
    case 'quiesce':
      return op.t;
    default: {
      const never: never = op;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}
