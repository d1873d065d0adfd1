/**
 * A real PostgreSQL server for one test file: Debian's postgresql (15), a data directory in a
 * temporary folder, TCP on loopback only with password (SCRAM) authentication, its socket in that
 * folder with trust for the superuser's setup. PostgreSQL refuses to run as root: as root (CI
 * containers) it runs as the package's `postgres` user. Passwords go to psql through PGPASSWORD.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, waitFor, type SqlResult } from './mariadb-server';

const BIN = '/usr/lib/postgresql/15/bin';
const PSQL = '/usr/bin/psql';

export interface PostgresServer {
  readonly port: number;
  /** Runs SQL (on standard input) over TCP on 127.0.0.1 as `user` with `password`. */
  sql(user: string, password: string, database: string, statements: string): SqlResult;
  /** Runs SQL as the superuser `postgres` over the socket (trust): the data directory's initialisation. */
  bootstrap(statements: string): SqlResult;
  stop(): Promise<void>;
}

/** Starts a fresh server; fails with the command that installs it when it is missing. */
export async function startPostgres(): Promise<PostgresServer> {
  for (const binary of [`${BIN}/initdb`, `${BIN}/postgres`, PSQL]) {
    if (!fs.existsSync(binary)) throw new Error(`${binary} not found: install Debian's PostgreSQL with \`apt-get update && apt-get install -y postgresql\``);
  }
  const root = process.getuid?.() === 0;
  const asServer = (command: string, args: string[]) => (root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] as const : [command, args] as const);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-postgres-'));
  if (root) spawnSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  const [initCommand, initArgs] = asServer(`${BIN}/initdb`, ['--pgdata', data, '--username=postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync']);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const [serverCommand, serverArgs] = asServer(`${BIN}/postgres`, ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off']);
  let log = '';
  const server = spawn(serverCommand, serverArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  server.stderr?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  const psql = (args: string[], input: string, env: NodeJS.ProcessEnv): SqlResult => {
    const r = spawnSync(PSQL, ['--no-psqlrc', '--quiet', '--tuples-only', '--no-align', '-v', 'ON_ERROR_STOP=1', ...args], { input, encoding: 'utf8', env });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const bootstrap = (statements: string) => psql(['--host', dir, '--port', String(port), '--username', 'postgres', '--dbname', 'postgres'], statements, { PATH: process.env.PATH });
  await waitFor('PostgreSQL to start', () => bootstrap('SELECT 1').status === 0, () => server.exitCode !== null, () => log);
  return {
    port,
    bootstrap,
    sql: (user, password, database, statements) => psql(['--host', '127.0.0.1', '--port', String(port), '--username', user, '--dbname', database], statements,
      { PATH: process.env.PATH, PGPASSWORD: password }),
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        // SIGINT to the postmaster itself (runuser does not pass signals on): PostgreSQL's fast shutdown.
        const pidFile = path.join(data, 'postmaster.pid');
        const postmaster = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : undefined;
        if (postmaster) process.kill(postmaster, 'SIGINT');
        else server.kill('SIGINT');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
