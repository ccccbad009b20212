/**
 * A hub run the way its owner runs one: `netguardian hub start --data … --listen 127.0.0.1:<free
 * port> --database-url <fresh database>` as a child process (the built CLI), asked for invites
 * with `netguardian hub invite`, stopped with SIGTERM.
 */
import path from 'node:path';
import { freePort } from '../../owner/support/hub.js';
import { startLongRunning, type Daemon } from '../../owner/support/netguardian.js';
import { cliOk } from './runCli.js';

export class CliHub {
  private constructor(
    readonly dataDir: string,
    /** host:port devices dial. */
    readonly address: string,
    readonly fingerprint: string,
    private readonly process: Daemon,
  ) {}

  /**
   * Starts a hub keeping its certificate and admin socket in `<root>/hub`; `options` add
   * arguments (`--chunks s3://…`) and environment (its S3 settings).
   */
  static async start(
    root: string,
    databaseUrl: string,
    options: {
      readonly args?: readonly string[];
      readonly env?: NodeJS.ProcessEnv;
      /** host:port to listen on (a restart keeps the address its devices dial). */
      readonly address?: string;
    } = {},
  ): Promise<CliHub> {
    const dataDir = path.join(root, 'hub');
    const address = options.address ?? `127.0.0.1:${await freePort()}`;
    const process = await startLongRunning(
      [
        'hub',
        'start',
        '--data',
        dataDir,
        '--listen',
        address,
        '--database-url',
        databaseUrl,
        ...(options.args ?? []),
      ],
      /^invite a device: .*$/m,
      options.env,
    );
    const fingerprint = /^certificate fingerprint \(SHA-256\): ([0-9a-f]{64})$/m.exec(
      process.output(),
    )?.[1];
    if (!fingerprint) {
      await process.kill('SIGKILL');
      throw new Error(`hub start printed no fingerprint:\n${process.output()}`);
    }
    return new CliHub(dataDir, address, fingerprint, process);
  }

  /** What the hub printed so far. */
  output(): string {
    return this.process.output();
  }

  /** `hub invite --space`: the code, the first line it printed. */
  async invite(space: string): Promise<string> {
    const out = await cliOk(['hub', 'invite', '--data', this.dataDir, '--space', space]);
    const code = out.split('\n')[0];
    if (!code?.startsWith('ng1-')) throw new Error(`hub invite printed no code:\n${out}`);
    return code;
  }

  /** SIGTERM, and the exit it led to. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.process.kill('SIGTERM');
  }
}
