import { describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { deviceConfigSchema } from '../core/deviceConfig.js';
import {
  askFirstRun,
  finishFirstRun,
  firstRunConfig,
  isFirstRun,
  type FirstRunDialog,
} from './firstRun.js';

/** An invite to 192.168.1.20:7443 in space "family" (base64url of its JSON, made by hand). */
const FAMILY_INVITE =
  'ng1-eyJhIjoiMTkyLjE2OC4xLjIwOjc0NDMiLCJmIjoiYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYSIsImsiOiJzZWNyZXRzZWNyZXRzZWNyZXQxMjMiLCJzIjoiZmFtaWx5In0';

const JOIN = 0;
const CREATE = 1;
const LOCAL = 2;
const CANCEL = 3;

/** A dialog whose question is answered with `buttons`, one per time it is asked. */
function fakeDialog(folder: string | null, ...buttons: number[]) {
  const answers = [...buttons];
  const dialog = {
    showOpenDialog: vi.fn(() =>
      Promise.resolve({ canceled: folder === null, filePaths: folder === null ? [] : [folder] }),
    ),
    showMessageBox: vi.fn(() => Promise.resolve({ response: answers.shift() ?? CANCEL })),
  } satisfies FirstRunDialog;
  return dialog;
}

/** An invite prompt answered with `codes`, one per time; records the problems it was shown. */
function fakePrompt(...codes: (string | null)[]) {
  const answers = [...codes];
  const problems: (string | null)[] = [];
  return {
    problems,
    ask: (problem: string | null) => {
      problems.push(problem);
      return Promise.resolve(answers.shift() ?? null);
    },
  };
}

const ask = (dialog: FirstRunDialog, prompt = fakePrompt()) =>
  askFirstRun({ dialog, askInviteCode: prompt.ask }, { defaultFolder: '/home/ada/NetGuardian' });

describe('first run', () => {
  it('is the first run exactly when the data dir has no config.json', () => {
    expect(isFirstRun(() => false, '/d')).toBe(true);
    expect(isFirstRun((f) => f === path.join('/d', 'config.json'), '/d')).toBe(false);
  });

  it('asks for the folder, defaulting to ~/NetGuardian, then offers join, create, local, cancel', async () => {
    const dialog = fakeDialog('/home/ada/Sync', LOCAL);
    expect(await ask(dialog)).toEqual({ folder: '/home/ada/Sync', hub: { kind: 'local' } });
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(
      expect.objectContaining({ defaultPath: '/home/ada/NetGuardian' }),
    );
    expect(dialog.showMessageBox).toHaveBeenCalledWith(
      expect.objectContaining({
        buttons: [
          'Join with an invite code…',
          'Create a hub on this computer',
          'Local only',
          'Cancel',
        ],
        cancelId: 3,
      }),
    );
    // Nothing the user reads asks for a database address.
    const asked = JSON.stringify(dialog.showMessageBox.mock.calls);
    expect(asked).not.toMatch(/postgres/i);
  });

  it('creates a hub on this computer when asked', async () => {
    expect(await ask(fakeDialog('/s', CREATE))).toEqual({ folder: '/s', hub: { kind: 'create' } });
  });

  it('takes an invite code, with the space it joins', async () => {
    const prompt = fakePrompt(` ${FAMILY_INVITE}\n`);
    expect(await ask(fakeDialog('/s', JOIN), prompt)).toEqual({
      folder: '/s',
      hub: { kind: 'join', code: FAMILY_INVITE, spaceId: 'family' },
    });
    expect(prompt.problems).toEqual([null]);
  });

  it('asks again, saying why, for a code that is not an invite; Back returns to the question', async () => {
    const prompt = fakePrompt('postgres://ada@hub/ng', 'ng1-eyJhIjoi', FAMILY_INVITE);
    const answer = await ask(fakeDialog('/s', JOIN), prompt);
    expect(answer?.hub).toMatchObject({ kind: 'join', spaceId: 'family' });
    expect(prompt.problems).toEqual([
      null,
      'This is not a NetGuardian invite code (those start with "ng1-").',
      'This invite code is damaged or cut short: copy it again, whole, from the message you were sent.',
    ]);

    // Back from the prompt, then Local only.
    const back = fakeDialog('/s', JOIN, LOCAL);
    expect(await ask(back, fakePrompt(null))).toEqual({ folder: '/s', hub: { kind: 'local' } });
    expect(back.showMessageBox).toHaveBeenCalledTimes(2);
  });

  it('cancelling the folder or the question writes nothing (null)', async () => {
    expect(await ask(fakeDialog(null, LOCAL))).toBeNull();
    expect(await ask(fakeDialog('/s', CANCEL))).toBeNull();
  });

  it('builds a local config netguardian init would write; a joining device takes the invite space', () => {
    const local = firstRunConfig(
      { folder: '/home/ada/Sync', hub: { kind: 'local' } },
      'ada-laptop',
    );
    expect(deviceConfigSchema.parse(local)).toEqual(local);
    expect(local).toMatchObject({
      folder: path.resolve('/home/ada/Sync'),
      spaceId: 'default',
      deviceName: 'ada-laptop',
      hub: null,
    });
    const joining = firstRunConfig(
      { folder: '/s', hub: { kind: 'join', code: FAMILY_INVITE, spaceId: 'family' } },
      'h',
    );
    expect(deviceConfigSchema.parse(joining)).toMatchObject({ spaceId: 'family', hub: null });
    expect(firstRunConfig({ folder: '/s', hub: { kind: 'create' } }, 'h')).toMatchObject({
      spaceId: 'default',
      hub: null,
    });
  });

  it('once the core runs, joins or creates the hub; a failure is told in words, the device stays local', async () => {
    const calls: string[] = [];
    const errors: [string, string][] = [];
    const finish = (fail: string | null) => ({
      join: (code: string) => {
        calls.push(`join ${code}`);
        return fail === null ? Promise.resolve() : Promise.reject(new Error(fail));
      },
      create: () => {
        calls.push('create');
        return fail === null ? Promise.resolve() : Promise.reject(new Error(fail));
      },
      showError: (title: string, message: string) => errors.push([title, message]),
    });
    expect(await finishFirstRun({ kind: 'local' }, finish(null))).toBe(true);
    expect(await finishFirstRun({ kind: 'create' }, finish(null))).toBe(true);
    expect(
      await finishFirstRun({ kind: 'join', code: 'ng1-x', spaceId: 'family' }, finish(null)),
    ).toBe(true);
    expect(calls).toEqual(['create', 'join ng1-x']);
    expect(errors).toEqual([]);

    expect(
      await finishFirstRun(
        { kind: 'join', code: 'ng1-x', spaceId: 'family' },
        finish(
          'could not join the hub at 192.168.1.20:7443: this invite was already used on 2026-03-01T10:00:00.000Z: ask for a new one',
        ),
      ),
    ).toBe(false);
    expect(errors).toEqual([
      [
        'NetGuardian could not join the hub',
        'Could not join the hub at 192.168.1.20:7443: this invite was already used on 2026-03-01T10:00:00.000Z: ask for a new one.\n\n' +
          'The folder is kept on this device only for now. Ask for a new invite code and join from Settings.',
      ],
    ]);
  });
});
