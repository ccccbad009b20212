/**
 * The workload of the owner test: CLI calls of every kind against device A's running daemon, at
 * most `inFlight` at a time, interleaved with a person's changes to A's and B's folders (create,
 * edit, delete, rename, and the same file edited on both at once to make conflicts). Everything
 * random comes from one seeded PRNG; only the timing differs between two runs of a seed.
 *
 * A call's arguments are picked so that its answer is fixed by the spec whatever the daemons do
 * meanwhile: a path a call works on is locked against the folder changes until it returns, the
 * files edited on both sides are left to `resolve` alone, and a path is asked for its history
 * only when A surely recorded it (or either answer is accepted).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Prng } from '../../convergence/prng.js';
import {
  conflictsTextProblems,
  historyTextProblems,
  oneLineFailure,
  parseConflictsJson,
  parseHistoryJson,
  refusedStartProblems,
  restoreProblems,
  statusJsonProblems,
  statusTextProblems,
  syncProblems,
  uploadProblems,
} from './cliOutput.js';
import type { DeviceDirs } from './devices.js';
import { listFiles, uniqueText } from './folders.js';
import { runNetguardian, type CliRun } from './netguardian.js';

export interface WorkloadOptions {
  readonly prng: Prng;
  readonly a: DeviceDirs;
  readonly b: DeviceDirs;
  readonly spaceId: string;
  /** host:port of the hub. */
  readonly hubAddress: string;
  /** The pid of A's daemon (a second `start` must name it). */
  readonly daemonPid: number;
  /** Where upload sources are written (outside both folders). */
  readonly uploadsDir: string;
  /** Files A recorded before its daemon started (its first scan). */
  readonly recorded: readonly string[];
  /** Files that exist on both devices, each edited on both sides once to make a conflict. */
  readonly conflictSeeds: readonly string[];
}

type CallKind =
  | 'status'
  | 'status --json'
  | 'conflicts'
  | 'conflicts --json + resolve'
  | 'history'
  | 'history (bad path)'
  | 'history --json + restore'
  | 'restore (bad version)'
  | 'resolve (bad input)'
  | 'sync'
  | 'upload'
  | 'start (refused)';

const CALL_WEIGHTS: readonly (readonly [CallKind, number])[] = [
  ['status', 14],
  ['status --json', 14],
  ['conflicts', 8],
  ['conflicts --json + resolve', 14],
  ['history', 12],
  ['history (bad path)', 3],
  ['history --json + restore', 12],
  ['restore (bad version)', 3],
  ['resolve (bad input)', 4],
  ['sync', 10],
  ['upload', 10],
  ['start (refused)', 6],
];

/** Share of the loop's steps that change a folder rather than start a call. */
const FOLDER_STEP_CHANCE = 0.4;
/** Share of folder steps that edit a conflict seed on both sides (while seeds remain). */
const CONFLICT_STEP_CHANCE = 0.15;
const UPLOAD_TARGET = 'upload-target.txt';
const LARGE_UPLOAD_BYTES = 3 * 1024 * 1024;

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

export class OwnerWorkload {
  readonly problems: string[] = [];
  /** Outcomes by name ("resolve: resolved", "restore: lost", "folder: rename", …). */
  readonly counts = new Map<string, number>();
  private calls = 0;
  private names = 0;
  /** Paths a call works on: no folder change touches them until it returns. */
  private readonly busy = new Set<string>();
  /** Paths A surely recorded (their history is not empty, whatever happened since). */
  private readonly recorded: Set<string>;
  /** Paths the test wrote in A's folder (recorded only once A's watcher saw them). */
  private readonly writtenOnA = new Set<string>();
  private readonly seeds: string[];
  /** Seeds edited on both sides and not resolved yet: only `resolve` touches them. */
  private readonly pending = new Set<string>();

  constructor(private readonly o: WorkloadOptions) {
    this.recorded = new Set(o.recorded);
    this.seeds = [...o.conflictSeeds];
  }

  /** CLI calls started so far. */
  get callCount(): number {
    return this.calls;
  }

  count(what: string): number {
    return this.counts.get(what) ?? 0;
  }

  /** Runs until `totalCalls` calls have started, then waits for the last ones. */
  async run(totalCalls: number, inFlight: number): Promise<void> {
    const running = new Set<Promise<void>>();
    for (let step = 1; this.calls < totalCalls; step += 1) {
      if (this.o.prng.chance(FOLDER_STEP_CHANCE)) {
        await this.folderStep(step);
        continue;
      }
      while (running.size >= inFlight) await Promise.race(running);
      const kind = this.pickCall();
      const op: Promise<void> = this.call(step, kind)
        .catch((e: unknown) => {
          this.problems.push(`#${step} ${kind}: ${(e as Error).stack ?? String(e)}`);
        })
        .finally(() => running.delete(op));
      running.add(op);
    }
    await Promise.all(running);
  }

  private note(what: string): void {
    this.counts.set(what, this.count(what) + 1);
  }

  private cli(args: readonly string[]): Promise<CliRun> {
    this.calls += 1;
    return runNetguardian([...args, '--data', this.o.a.dataDir]);
  }

  private pickCall(): CallKind {
    const total = CALL_WEIGHTS.reduce((n, [, w]) => n + w, 0);
    let at = this.o.prng.next() * total;
    for (const [kind, weight] of CALL_WEIGHTS) {
      at -= weight;
      if (at < 0) return kind;
    }
    return 'status';
  }

  /** A file any folder change may touch: not a seed, a conflict copy, an upload's, nor busy. */
  private isGeneral(p: string): boolean {
    return (
      !this.o.conflictSeeds.includes(p) &&
      !p.includes('.conflict-') &&
      !p.startsWith('upload-target') &&
      !this.busy.has(p)
    );
  }

  private newName(): string {
    this.names += 1;
    return `${this.o.prng.pick(['', 'd0/', 'd1/', 'd1/e/'])}g${this.names}.txt`;
  }

  /** Runs `use` with `paths` locked against folder changes. */
  private async locked<T>(paths: readonly string[], use: () => Promise<T>): Promise<T> {
    for (const p of paths) this.busy.add(p);
    try {
      return await use();
    } finally {
      for (const p of paths) this.busy.delete(p);
    }
  }

  private check(step: number, kind: string, problems: readonly string[]): boolean {
    for (const p of problems) this.problems.push(`#${step} ${kind}: ${p}`);
    return problems.length === 0;
  }

  // ---- folder changes ----------------------------------------------------------------------

  private async folderStep(step: number): Promise<void> {
    const { prng, a, b } = this.o;
    const free = this.seeds.findIndex((s) => !this.busy.has(s));
    if (free >= 0 && prng.chance(CONFLICT_STEP_CHANCE)) {
      const seed = this.seeds.splice(free, 1)[0] as string;
      // Both sides at once: each records its edit before the other's arrives.
      await Promise.all([
        writeFile(path.join(a.folder, seed), uniqueText(`#${step} ${seed} on A`, prng)),
        writeFile(path.join(b.folder, seed), uniqueText(`#${step} ${seed} on B`, prng)),
      ]);
      this.pending.add(seed);
      this.note('folder: edit on both');
      return;
    }
    const onA = prng.chance(0.5);
    const device = onA ? a : b;
    const files = (await listFiles(device.folder)).filter((p) => this.isGeneral(p));
    const kind =
      files.length === 0
        ? 'create'
        : prng.pick(['create', 'create', 'edit', 'edit', 'edit', 'delete', 'rename'] as const);
    const abs = (p: string) => path.join(device.folder, p);
    try {
      switch (kind) {
        case 'create':
        case 'edit': {
          const p = kind === 'create' ? this.newName() : prng.pick(files);
          await mkdir(path.dirname(abs(p)), { recursive: true });
          await writeFile(abs(p), uniqueText(`#${step} ${kind} ${p} on ${device.name}`, prng));
          if (onA) this.writtenOnA.add(p);
          break;
        }
        case 'delete':
          await unlink(abs(prng.pick(files)));
          break;
        case 'rename': {
          const to = this.newName();
          await mkdir(path.dirname(abs(to)), { recursive: true });
          await rename(abs(prng.pick(files)), abs(to));
          if (onA) this.writtenOnA.add(to);
          break;
        }
        default: {
          const never: never = kind;
          throw new Error(`unknown change ${String(never)}`);
        }
      }
      this.note(`folder: ${kind}`);
    } catch (e) {
      // The file went away meanwhile (a sync removed or renamed it): a person would retry.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.note('folder: file gone meanwhile');
    }
  }

  // ---- CLI calls ---------------------------------------------------------------------------

  private async call(step: number, kind: CallKind): Promise<void> {
    const { prng, a } = this.o;
    const device = { ...a, spaceId: this.o.spaceId };
    this.note(kind);
    switch (kind) {
      case 'status':
        this.check(
          step,
          kind,
          statusTextProblems(await this.cli(['status']), {
            ...device,
            hubAddress: this.o.hubAddress,
          }),
        );
        return;
      case 'status --json':
        this.check(step, kind, statusJsonProblems(await this.cli(['status', '--json']), device));
        return;
      case 'conflicts':
        this.check(step, kind, conflictsTextProblems(await this.cli(['conflicts'])));
        return;
      case 'conflicts --json + resolve':
        return this.resolveOne(step, kind);
      case 'history':
        return this.history(step, kind);
      case 'history (bad path)': {
        const p = `never/was-${step}.txt`;
        this.check(
          step,
          kind,
          oneLineFailure(await this.cli(['history', p]), `${p} has no history on this device`),
        );
        return;
      }
      case 'history --json + restore':
        return this.restoreOne(step, kind);
      case 'restore (bad version)': {
        const p = this.pickRecorded();
        if (p === undefined) return;
        await this.locked([p], async () =>
          this.check(
            step,
            kind,
            oneLineFailure(
              await this.cli(['restore', p, 'zzzzzzzz']),
              `${p} has no version zzzzzzzz with content (see \`netguardian history ${p}\`)`,
            ),
          ),
        );
        return;
      }
      case 'resolve (bad input)': {
        const p = `never/was-${step}.txt`;
        const run = prng.chance(0.5)
          ? oneLineFailure(
              await this.cli(['resolve', p, '--keep', 'mine']),
              `${p} has no conflict to resolve`,
            )
          : oneLineFailure(
              await this.cli(['resolve', p, '--keep', 'sideways']),
              '--keep must be mine, theirs or both, not sideways',
            );
        this.check(step, kind, run);
        return;
      }
      case 'sync':
        this.check(step, kind, syncProblems(await this.cli(['sync'])));
        return;
      case 'upload':
        return this.upload(step, kind);
      case 'start (refused)':
        this.check(step, kind, refusedStartProblems(await this.cli(['start']), this.o.daemonPid));
        return;
      default: {
        const never: never = kind;
        throw new Error(`unknown call ${String(never)}`);
      }
    }
  }

  private pickRecorded(): string | undefined {
    const free = [...this.recorded].filter((p) => !this.busy.has(p) && !this.pending.has(p));
    return free.length > 0 ? this.o.prng.pick(free.sort()) : undefined;
  }

  /** `history` of a path A recorded (must work), or of a file on A's disk (either answer). */
  private async history(step: number, kind: string): Promise<void> {
    const { prng, a, b } = this.o;
    let p = prng.chance(0.7) ? this.pickRecorded() : undefined;
    let sure = p !== undefined;
    if (p === undefined) {
      const onDisk = (await listFiles(a.folder)).filter((f) => this.isGeneral(f));
      if (onDisk.length === 0) return;
      p = prng.pick(onDisk);
      // A file the test never wrote in A's folder came from A's store: recorded.
      sure = !this.writtenOnA.has(p);
    }
    const target = p;
    await this.locked([target], async () => {
      const run = await this.cli(['history', target]);
      const ok = historyTextProblems(run, [a.name, b.name]);
      if (ok.length === 0) {
        this.recorded.add(target);
        this.note('history: listed');
      } else if (sure) this.check(step, kind, ok);
      else {
        this.check(step, kind, oneLineFailure(run, `${target} has no history on this device`));
        this.note('history: not recorded yet');
      }
    });
  }

  /** `history --json` of a recorded path, then `restore` of one of its versions. */
  private async restoreOne(step: number, kind: string): Promise<void> {
    const p = this.pickRecorded();
    if (p === undefined) return;
    await this.locked([p], async () => {
      const { history, problems } = parseHistoryJson(await this.cli(['history', p, '--json']));
      if (!this.check(step, kind, problems) || !history) return;
      const older = history.filter((h) => !h.deleted && !h.current);
      const choice =
        older.length > 0 ? this.o.prng.pick(older) : history.find((h) => h.current && !h.deleted);
      if (!choice) return;
      // 13 characters: a prefix, as a person would type it.
      const run = await this.cli(['restore', p, choice.eventId.slice(0, 13)]);
      // A version A or B replaced before it was pushed may be gone from every folder and the hub.
      this.check(step, kind, restoreProblems(run, p, choice.eventId, { lostAllowed: true }));
      this.note(run.code === 0 ? 'restore: restored' : 'restore: version gone');
    });
  }

  /** `conflicts --json`, then `resolve` of one listed seed. */
  private async resolveOne(step: number, kind: string): Promise<void> {
    const { conflicts, problems } = parseConflictsJson(await this.cli(['conflicts', '--json']));
    if (!this.check(step, kind, problems) || !conflicts) return;
    const listed = conflicts
      .map((c) => c.path)
      .filter((p) => this.pending.has(p) && !this.busy.has(p));
    if (listed.length === 0) return;
    const p = this.o.prng.pick(listed.sort());
    const keep = this.o.prng.pick(['mine', 'theirs', 'both'] as const);
    await this.locked([p], async () => {
      const run = await this.cli(['resolve', p, '--keep', keep]);
      const ok =
        run.code === 0 && run.stderr === '' && run.stdout === `resolved ${p}: kept ${keep}\n`;
      if (!ok) {
        this.check(step, kind, [`expected "resolved ${p}: kept ${keep}": ${JSON.stringify(run)}`]);
        return;
      }
      this.pending.delete(p);
      this.recorded.add(p);
      this.note('resolve: resolved');
    });
  }

  /** `upload` of a new file, to a free path (it must land there) or to a taken one (beside it). */
  private async upload(step: number, kind: string): Promise<void> {
    const { prng, a } = this.o;
    this.names += 1;
    // Taken now: other calls and changes number their names while this one awaits.
    const n = this.names;
    const source = path.join(this.o.uploadsDir, `u${n}.bin`);
    const lines = prng.chance(0.1) ? LARGE_UPLOAD_BYTES / 80 : prng.int(1, 400);
    const bytes = uniqueText(`#${step} upload ${n}`, prng, lines);
    const taken = prng.chance(0.2) && !this.busy.has(UPLOAD_TARGET);
    const target = taken ? UPLOAD_TARGET : `d0/u${n}.bin`;
    await writeFile(source, bytes);
    await this.locked([target], async () => {
      const run = await this.cli(['upload', source, '--as', target]);
      const size = Buffer.byteLength(bytes);
      const { path: landed, problems } = uploadProblems(
        run,
        source,
        size,
        taken ? undefined : target,
      );
      if (!this.check(step, kind, problems) || landed === undefined) return;
      if (taken && (landed === target || !landed.startsWith('upload-target')))
        this.check(step, kind, [`expected a free name beside ${target}, got ${landed}`]);
      // Recorded and in the folder when the command returns.
      const onDisk = await readFile(path.join(a.folder, landed));
      if (sha256(onDisk) !== sha256(bytes))
        this.check(step, kind, [`${landed} on A does not hold the uploaded bytes`]);
      this.recorded.add(landed);
      this.note(taken ? 'upload: beside a taken name' : 'upload: at its path');
    });
  }
}
