import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { SecretKeyRef } from '../../model/secret-key-ref';
import { OneShotJob } from '../core/one-shot-job';

/**
 * The Job's script (bash and psql of the server's own image). The passwords arrive in the
 * environment from Secrets and reach psql only through `PGPASSWORD` and standard input
 * (`printf` is a builtin): never argv, a file or the log. It connects with the new password
 * first, so a rerun, or a server that already has it, only sets it again.
 */
const SCRIPT = `set -euo pipefail
# A value as an SQL string literal (standard_conforming_strings, on by default: only a quote is doubled).
lit() { local v=$1; printf "'%s'" "\${v//\\'/\\'\\'}"; }
as() { PGPASSWORD=$1 psql --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 \\
  --host="$DB_HOST" --port="$DB_PORT" --username="$DB_USER" --dbname="$DB_NAME" "\${@:2}"; }
current=''
for attempt in $(seq 1 "$CONNECT_ATTEMPTS"); do
  for candidate in "$DB_PASSWORD" "\${DB_PREVIOUS:-}"; do
    if [ -n "$candidate" ] && as "$candidate" -c 'SELECT 1' >/dev/null 2>&1; then current=$candidate; break 2; fi
  done
  echo "waiting for PostgreSQL at $DB_HOST:$DB_PORT to accept $DB_USER ($attempt/$CONNECT_ATTEMPTS)"
  sleep 5
done
if [ -z "$current" ]; then echo "error: PostgreSQL refuses both the current and the previous password of $DB_USER" >&2; exit 1; fi
printf 'ALTER ROLE CURRENT_USER PASSWORD %s;\\n' "$(lit "$DB_PASSWORD")" | as "$current"
echo "password of $DB_USER set"
`;

export interface PostgresPasswordProps {
  /** Name prefix of the Job, e.g. `keycloak-db-password`: `<name>-<rotation>-<hash>`. */
  readonly name: string;
  readonly namespace: string;
  /** The server's own image (it has bash and psql). */
  readonly image: string;
  /** User id the Job runs as (the image's own). */
  readonly uid: number;
  /** The PostgreSQL Service. */
  readonly server: { readonly host: string; readonly port: number };
  /** Database to connect to. */
  readonly database: string;
  /** The role whose password changes; it changes its own (no superuser needed). */
  readonly user: string;
  /** The password now. */
  readonly password: SecretKeyRef;
  /** The password the last rotation replaced, which the server keeps until this Job changes it. */
  readonly previous: SecretKeyRef;
  /** How often the credential was rotated: part of the Job's name, so each rotation is a new Job. */
  readonly rotation: number;
  /**
   * How often to try to connect, 5 s apart, before failing (the Job then retries).
   * @default 60
   */
  readonly connectAttempts?: number;
}

/**
 * A one-shot Job that changes a PostgreSQL role's password in the server to the stored one,
 * logging in with the password the last rotation replaced (or already with the new one). The
 * charts write the password only into a new data directory; this Job is how it changes
 * afterwards. Its name carries the rotation count and a hash of its spec: a Job runs once and
 * its template cannot change, so each rotation, and each change of the spec, is a new Job.
 */
export class PostgresPassword extends Construct {
  public readonly job: kplus.Job;

  constructor(scope: Construct, id: string, props: PostgresPasswordProps) {
    super(scope, id);
    this.job = new OneShotJob(this, 'job', {
      name: props.name,
      namespace: props.namespace,
      labels: { 'app.kubernetes.io/name': props.name, 'app.kubernetes.io/part-of': 'astrago' },
      image: props.image,
      uid: props.uid,
      script: SCRIPT,
      env: {
        DB_HOST: props.server.host,
        DB_PORT: String(props.server.port),
        DB_NAME: props.database,
        DB_USER: props.user,
        CONNECT_ATTEMPTS: String(props.connectAttempts ?? 60),
      },
      secretEnv: { DB_PASSWORD: props.password, DB_PREVIOUS: props.previous },
      generation: props.rotation,
    }).job;
  }
}
