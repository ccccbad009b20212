import { Prng } from '../convergence/prng.js';
import { ALL_KINDS, kindOfType, type Content, type Op, type OpKind } from './ops.js';

/**
 * The seeded generator: a pure function from a seed to a list of ops. It keeps a
 * rough model of what exists (the union of what its own ops made, not what sync
 * did), only to pick targets that probably exist, so most ops act on something.
 * It never looks at the real folders: the same seed gives the same list on any
 * machine and any timing, which is what makes a seed replayable.
 *
 * The name space is small on purpose: devices collide on the same paths (edit
 * vs edit, edit vs delete, a folder on one device where a file is on another),
 * and case variants (`Readme.md`, `README.md`) are in it from the start.
 */

export const DEVICES = 3;

const DIRS = ['a', 'b', 'docs', 'a/b', 'docs/a'] as const;
const FILE_NAMES = ['Readme.md', 'notes.txt', 'c.txt', 'data.bin', 'caf\u00e9.txt'] as const;
const FILES = [...FILE_NAMES, ...DIRS.flatMap((d) => FILE_NAMES.map((f) => `${d}/${f}`))];
/** Writes and folders made before the random ops start. */
const POPULATE = 10;
const MODES = [0o644, 0o600, 0o755, 0o700, 0o664, 0o444, 0o750, 0o640] as const;

/** Relative weights of the ops drawn at each step (`start`/`hubUp` follow their pair). */
const WEIGHTS = {
  write: 22,
  append: 6,
  mkdir: 4,
  rename: 7,
  renameDir: 4,
  delete: 6,
  deleteTree: 3,
  dirToFile: 3,
  fileToDir: 3,
  caseRename: 4,
  chmod: 5,
  editDuringPull: 4,
  stop: 2,
  hubDown: 2,
  quiesce: 3,
} as const;
type Drawn = keyof typeof WEIGHTS;

export interface GeneratorOptions {
  /**
   * Random ops drawn after the first files are made; the list also holds the `start` and
   * `hubUp` that end a stop or an outage, and a final `quiesce`.
   */
  readonly ops: number;
  /**
   * Kinds drawn (default all). A kind switched off is not drawn at all, rather than drawn
   * and skipped: its effects would still shape later ops (a path the generator thinks is a
   * folder), and a folder on one device where another has a file is what it tests.
   */
  readonly enabled?: ReadonlySet<OpKind>;
}

/** A case variant of the path's last segment (`Readme.md` → `README.md` → `readme.md` → …). */
export function caseVariant(rel: string, pick: number): string {
  const cut = rel.lastIndexOf('/');
  const dir = rel.slice(0, cut + 1);
  const name = rel.slice(cut + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  const variants = [
    stem.toUpperCase() + ext,
    stem.toLowerCase() + ext,
    stem.charAt(0).toUpperCase() + stem.slice(1).toLowerCase() + ext,
    name.toUpperCase(),
  ].filter((v, i, all) => v !== name && all.indexOf(v) === i);
  if (variants.length === 0) return rel;
  return dir + variants[pick % variants.length];
}

export function generateOps(seed: number, options: GeneratorOptions): Op[] {
  return new Generator(new Prng(seed), options.enabled ?? new Set(ALL_KINDS)).run(options.ops);
}

class Generator {
  /** What the generator's own ops made: path → kind. */
  private readonly model = new Map<string, 'file' | 'dir'>();
  private readonly ops: Op[] = [];
  private fills = 0;
  /** Device → step at which its owner comes back. */
  private readonly stopped = new Map<number, number>();
  private hubBackAt: number | undefined;

  private readonly weights: [Drawn, number][];

  constructor(
    private readonly rng: Prng,
    enabled: ReadonlySet<OpKind>,
  ) {
    this.weights = (Object.entries(WEIGHTS) as [Drawn, number][]).filter(([t]) => {
      const kind = kindOfType(t);
      return kind === undefined || enabled.has(kind);
    });
  }

  run(count: number): Op[] {
    // First some files and folders on every device, synced, so the ops after have
    // something to rename, delete and replace, and collide on it.
    for (let i = 0; i < POPULATE; i += 1) {
      const d = this.rng.int(0, DEVICES - 1);
      this.push(
        this.rng.chance(0.2)
          ? { t: 'mkdir', d, path: this.rng.pick(DIRS) }
          : { t: 'write', d, path: this.rng.pick(FILES), content: this.content() },
      );
    }
    this.push({ t: 'quiesce' });
    for (let step = 0; step < count; step += 1) {
      this.endPauses(step);
      const op = this.draw(step);
      if (op) this.push(op);
    }
    this.endPauses(Number.POSITIVE_INFINITY);
    this.push({ t: 'quiesce' });
    return this.ops;
  }

  private push(op: Op): void {
    this.ops.push(op);
    this.track(op);
  }

  /** Devices whose stop is over start again, and the hub comes back, before the next op. */
  private endPauses(step: number): void {
    for (const [d, until] of [...this.stopped]) {
      if (until <= step) {
        this.stopped.delete(d);
        this.push({ t: 'start', d });
      }
    }
    if (this.hubBackAt !== undefined && this.hubBackAt <= step) {
      this.hubBackAt = undefined;
      this.push({ t: 'hubUp' });
    }
  }

  private draw(step: number): Op | undefined {
    const rng = this.rng;
    const d = rng.int(0, DEVICES - 1);
    const kind = this.weighted();
    switch (kind) {
      case 'write':
        return { t: 'write', d, path: this.file(), content: this.content() };
      case 'append':
        return { t: 'append', d, path: this.file(), content: this.content(4_000) };
      case 'mkdir':
        return { t: 'mkdir', d, path: this.pickNew('dir') };
      case 'rename':
        return { t: 'rename', d, from: this.existing('file'), to: this.file() };
      case 'renameDir': {
        const from = this.existing('dir');
        const to = this.pickNew('dir');
        // A folder into itself is not a rename a user can make.
        return to.startsWith(`${from}/`) ? undefined : { t: 'renameDir', d, from, to };
      }
      case 'delete':
        return { t: 'delete', d, path: this.existing('file') };
      case 'deleteTree':
        return { t: 'deleteTree', d, path: this.existing('dir') };
      case 'dirToFile':
        return { t: 'dirToFile', d, path: this.existing('dir'), content: this.content() };
      case 'fileToDir':
        return {
          t: 'fileToDir',
          d,
          path: this.existing('file'),
          child: rng.pick(FILE_NAMES),
          content: this.content(),
        };
      case 'caseRename': {
        const from = rng.chance(0.7) ? this.existing('file') : this.existing('dir');
        const to = caseVariant(from, rng.int(0, 3));
        return to === from ? undefined : { t: 'caseRename', d, from, to };
      }
      case 'chmod':
        return {
          t: 'chmod',
          d,
          path: rng.chance(0.85) ? this.existing('file') : this.existing('dir'),
          mode: rng.pick(MODES),
        };
      case 'editDuringPull': {
        const src = (d + rng.int(1, DEVICES - 1)) % DEVICES;
        return {
          t: 'editDuringPull',
          src,
          d,
          path: rng.chance(0.7) ? this.existing('file') : this.file(),
          remote: this.content(),
          local: this.content(),
        };
      }
      case 'stop':
        if (this.stopped.has(d)) return undefined;
        this.stopped.set(d, step + rng.int(2, 10));
        return { t: 'stop', d };
      case 'hubDown':
        if (this.hubBackAt !== undefined) return undefined;
        this.hubBackAt = step + rng.int(2, 12);
        return { t: 'hubDown' };
      case 'quiesce':
        // A quiesce ends every stop and outage first (it needs every device and the hub).
        this.endPauses(Number.POSITIVE_INFINITY);
        return { t: 'quiesce' };
      default: {
        const never: never = kind;
        throw new Error(`unknown op kind ${String(never)}`);
      }
    }
  }

  private weighted(): Drawn {
    const entries = this.weights;
    const total = entries.reduce((n, [, w]) => n + w, 0);
    let r = this.rng.int(0, total - 1);
    for (const [kind, w] of entries) {
      if (r < w) return kind;
      r -= w;
    }
    throw new Error('weights do not add up');
  }

  /** Mostly small text-sized files, some of several chunks (FastCDC's minimum is 128 KiB). */
  private content(maxSmall = 3_000): Content {
    const rng = this.rng;
    this.fills += 1;
    const r = rng.next();
    const size =
      r < 0.04
        ? 0
        : r < 0.75
          ? rng.int(1, maxSmall)
          : r < 0.93
            ? rng.int(3_000, 100_000)
            : rng.int(140_000, 1_200_000);
    return { size, fill: this.fills };
  }

  private file(): string {
    return this.rng.chance(0.5) ? this.existing('file') : this.rng.pick(FILES);
  }

  /** Something the model says exists (most of the time), else a name from the pool. */
  private existing(kind: 'file' | 'dir'): string {
    const known = [...this.model].filter(([, k]) => k === kind).map(([p]) => p);
    if (known.length > 0 && this.rng.chance(0.85)) return this.rng.pick(known.sort());
    return kind === 'file' ? this.rng.pick(FILES) : this.rng.pick(DIRS);
  }

  /** A folder path, often one that does not exist yet. */
  private pickNew(kind: 'dir'): string {
    return this.rng.chance(0.6) ? this.rng.pick(DIRS) : this.existing(kind);
  }

  /** Keeps the rough model in step with an op (as if it ran on a folder holding the union). */
  private track(op: Op): void {
    const m = this.model;
    const parents = (p: string) => {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i += 1) m.set(parts.slice(0, i).join('/'), 'dir');
    };
    const dropTree = (p: string) => {
      for (const key of [...m.keys()]) if (key === p || key.startsWith(`${p}/`)) m.delete(key);
    };
    const moveTree = (from: string, to: string) => {
      for (const [key, k] of [...m]) {
        if (key === from || key.startsWith(`${from}/`)) {
          m.delete(key);
          m.set(to + key.slice(from.length), k);
        }
      }
      parents(to);
    };
    switch (op.t) {
      case 'write':
      case 'append':
      case 'editDuringPull':
        parents(op.path);
        m.set(op.path, 'file');
        break;
      case 'mkdir':
        parents(op.path);
        m.set(op.path, 'dir');
        break;
      case 'rename':
      case 'renameDir':
      case 'caseRename':
        moveTree(op.from, op.to);
        break;
      case 'delete':
      case 'deleteTree':
        dropTree(op.path);
        break;
      case 'dirToFile':
        dropTree(op.path);
        parents(op.path);
        m.set(op.path, 'file');
        break;
      case 'fileToDir':
        dropTree(op.path);
        parents(op.path);
        m.set(op.path, 'dir');
        m.set(`${op.path}/${op.child}`, 'file');
        break;
      default:
        break;
    }
  }
}
