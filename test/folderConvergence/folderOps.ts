import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { contentBytes, type Content, type Op } from './ops.js';

/**
 * What a person does to one real folder, with node fs: each op as a shell would
 * run it, synchronously, so a burst (`rm -rf d && write d`) lands with no turn of
 * the event loop in between, as fast as a script would. An op whose source is
 * missing, or that a shell would refuse (a write under a file, a folder moved into
 * a name that exists), changes nothing and says why.
 */

export interface Applied {
  /** Files written by this op, with their whole content as it is on disk after it. */
  readonly wrote: readonly Wrote[];
  /** Set when the op changed nothing. */
  readonly skipped?: string;
}

const statOf = (abs: string): Stats | undefined => {
  try {
    return lstatSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // ENOTDIR: a file where a folder above it should be; nothing is there.
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
};

export interface Wrote {
  readonly rel: string;
  readonly bytes: Buffer;
}

const done = (...wrote: Wrote[]): Applied => ({ wrote });
const skip = (skipped: string): Applied => ({ wrote: [], skipped });

export class FolderHand {
  constructor(readonly root: string) {}

  abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  /** A folder-level op; device lifecycle, hub and quiesce ops are not this class's. */
  apply(op: Op): Applied {
    switch (op.t) {
      case 'write':
        return this.write(op.path, contentBytes(op.content));
      case 'append':
        return this.append(op.path, op.content);
      case 'mkdir':
        return this.mkdirs(op.path) ?? done();
      case 'rename':
        return this.renameFile(op.from, op.to);
      case 'renameDir':
        return this.renameDir(op.from, op.to);
      case 'caseRename':
        return this.caseRename(op.from, op.to);
      case 'delete': {
        if (!statOf(this.abs(op.path))?.isFile()) return skip('no file there');
        unlinkSync(this.abs(op.path));
        return done();
      }
      case 'deleteTree': {
        if (!statOf(this.abs(op.path))?.isDirectory()) return skip('no folder there');
        rmSync(this.abs(op.path), { recursive: true, force: true });
        return done();
      }
      case 'dirToFile': {
        if (!statOf(this.abs(op.path))?.isDirectory()) return skip('no folder there');
        const bytes = contentBytes(op.content);
        rmSync(this.abs(op.path), { recursive: true, force: true });
        writeFileSync(this.abs(op.path), bytes);
        return done({ rel: op.path, bytes });
      }
      case 'fileToDir': {
        const at = this.abs(op.path);
        if (!statOf(at)?.isFile()) return skip('no file there');
        const bytes = contentBytes(op.content);
        unlinkSync(at);
        mkdirSync(at);
        writeFileSync(path.join(at, op.child), bytes);
        return done({ rel: `${op.path}/${op.child}`, bytes });
      }
      case 'chmod': {
        if (!statOf(this.abs(op.path))) return skip('nothing there');
        chmodSync(this.abs(op.path), op.mode);
        return done();
      }
      case 'editDuringPull':
      case 'stop':
      case 'start':
      case 'hubDown':
      case 'hubUp':
      case 'quiesce':
        throw new Error(`${op.t} is not a folder op`);
      default: {
        const never: never = op;
        throw new Error(`unknown op ${JSON.stringify(never)}`);
      }
    }
  }

  /** `mkdir -p` of `rel`; says why not when something that is not a folder is in the way. */
  mkdirs(rel: string): Applied | undefined {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i += 1) {
      const st = statOf(this.abs(parts.slice(0, i).join('/')));
      if (st && !st.isDirectory()) return skip(`${parts.slice(0, i).join('/')} is not a folder`);
    }
    mkdirSync(this.abs(rel), { recursive: true });
    return undefined;
  }

  /** Creates or overwrites a file in place (truncate and write, as most programs save). */
  write(rel: string, bytes: Buffer): Applied {
    const parent = path.posix.dirname(rel);
    const blocked = parent === '.' ? undefined : this.mkdirs(parent);
    if (blocked) return blocked;
    if (statOf(this.abs(rel))?.isDirectory()) return skip('a folder is there');
    writeFileSync(this.abs(rel), bytes);
    return done({ rel, bytes });
  }

  private append(rel: string, extra: Content): Applied {
    const st = statOf(this.abs(rel));
    if (!st) return this.write(rel, contentBytes(extra));
    if (!st.isFile()) return skip('not a file');
    const bytes = Buffer.concat([readFileSync(this.abs(rel)), contentBytes(extra)]);
    writeFileSync(this.abs(rel), bytes);
    return done({ rel, bytes });
  }

  private renameFile(from: string, to: string): Applied {
    if (from === to) return skip('same name');
    if (!statOf(this.abs(from))?.isFile()) return skip('no file there');
    if (statOf(this.abs(to))?.isDirectory()) return skip('a folder is at the target');
    const parent = path.posix.dirname(to);
    const blocked = parent === '.' ? undefined : this.mkdirs(parent);
    if (blocked) return blocked;
    renameSync(this.abs(from), this.abs(to));
    return done();
  }

  private renameDir(from: string, to: string): Applied {
    if (!statOf(this.abs(from))?.isDirectory()) return skip('no folder there');
    if (to === from || to.startsWith(`${from}/`)) return skip('into itself');
    if (statOf(this.abs(to))) return skip('the target exists');
    const parent = path.posix.dirname(to);
    const blocked = parent === '.' ? undefined : this.mkdirs(parent);
    if (blocked) return blocked;
    renameSync(this.abs(from), this.abs(to));
    return done();
  }

  /** Only a case change: skipped when another entry has the new name (Linux tells them apart). */
  private caseRename(from: string, to: string): Applied {
    if (!statOf(this.abs(from))) return skip('nothing there');
    if (statOf(this.abs(to))) return skip('the other spelling exists too');
    renameSync(this.abs(from), this.abs(to));
    return done();
  }
}
