/**
 * A real MariaDB server for one test file: Debian's mariadb-server (10.11, the series the
 * platform runs), a data directory in a temporary folder, listening on loopback only, stopped
 * and removed by `stop`. Passwords go to the client through MYSQL_PWD, never argv.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const SERVER = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const CLIENT = '/usr/bin/mariadb';

/** The outcome of one client call. */
export interface SqlResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MariaDbServer {
  readonly port: number;
  /** Runs SQL (on standard input) over TCP on 127.0.0.1 as `user` with `password`. */
  sql(user: string, password: string, statements: string): SqlResult;
  /** Runs SQL as root over the server's socket before any password exists (the image's own initialisation). */
  bootstrap(statements: string): SqlResult;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls `ok` every 100 ms for up to 30 s; fails with the server's log when it exited or never got there. */
export async function waitFor(what: string, ok: () => boolean, exited: () => boolean, log: () => string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (ok()) return;
    if (exited()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`waiting for ${what}: it did not come: ${log().slice(-2000)}`);
}

/** Starts a fresh server; fails with the command that installs it when it is missing. */
export async function startMariaDb(): Promise<MariaDbServer> {
  for (const binary of [SERVER, INSTALL_DB, CLIENT]) {
    if (!fs.existsSync(binary)) throw new Error(`${binary} not found: install Debian's MariaDB 10.11 with \`apt-get update && apt-get install -y mariadb-server\``);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-mariadb-'));
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const log = path.join(dir, 'error.log');
  // mariadbd refuses to run as root unless told to: CI containers run as root.
  const user = os.userInfo().username;
  const init = spawnSync(INSTALL_DB, ['--no-defaults', `--datadir=${data}`, `--user=${user}`, '--auth-root-authentication-method=normal', '--skip-test-db'],
    { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr}`);
  const port = await freePort();
  const server = spawn(SERVER, ['--no-defaults', `--datadir=${data}`, `--user=${user}`, `--socket=${socket}`, `--port=${port}`,
    '--bind-address=127.0.0.1', `--pid-file=${path.join(dir, 'mysqld.pid')}`, `--log-error=${log}`, '--skip-log-bin'], { stdio: 'ignore' });
  const client = (args: string[], input: string, env: NodeJS.ProcessEnv): SqlResult => {
    const r = spawnSync(CLIENT, ['--no-defaults', '--batch', '--skip-column-names', ...args], { input, encoding: 'utf8', env });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const bootstrap = (statements: string) => client([`--socket=${socket}`, '--user=root'], statements, { PATH: process.env.PATH });
  await waitFor('MariaDB to start', () => fs.existsSync(socket) && bootstrap('SELECT 1').status === 0, () => server.exitCode !== null,
    () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : 'no log'));
  return {
    port,
    bootstrap,
    sql: (user_, password, statements) => client(['--protocol=tcp', '--host=127.0.0.1', `--port=${port}`, `--user=${user_}`], statements,
      { PATH: process.env.PATH, MYSQL_PWD: password }),
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
