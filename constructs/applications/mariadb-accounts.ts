import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { OneShotJob } from '../core/one-shot-job';
import type { CredentialRegistry } from '../credentials/credential-registry';
import type { MariaDb } from './mariadb';
import { componentLabels, imageName, type PlatformPodProps } from './platform-pod';

/**
 * The tables a hub workload writes, and all it is granted. Inference from the backend's
 * sources, which neither read nor write them: their columns are the parameters the seeded YOLO
 * hubs carry (`data_dir`, `image_size`, `batch`, `epoch`, `learning_rate`, `save_model_dir` in
 * `TB_HUB.PARAMETER`; `t_img_num`, `v_img_num`, `flops`, `param_cnt` in the epoch log), created
 * by core's schema.sql (xiilab/astrago-backend server-core/src/main/resources/schema.sql).
 */
export const HUB_TABLES = ['TB_JOB_PREDICTION', 'TB_JOB_PREDICTION_EPOCH_LOG', 'TB_JOB_PREDICTION_PARAMETER'] as const;

/** The MariaDB login of hub workloads: its password (credential mariadb-hub) differs per customer. */
export const HUB_DATABASE_USER = 'astrago_hub';

/** The credentials whose values the Job sets in the server. */
const MARIADB_CREDENTIALS = ['mariadb-root', 'mariadb-user', 'mariadb-hub'] as const;
type MariaDbCredential = (typeof MARIADB_CREDENTIALS)[number];

/** Privileges of the hub login on each of `HUB_TABLES`: its password is shown to every user. */
export const HUB_PRIVILEGES = 'SELECT, INSERT, UPDATE';

/**
 * The Job's script (bash of the MariaDB image). Passwords arrive in the environment from
 * Secrets and reach the client only through `MYSQL_PWD` and standard input (`printf` is a
 * builtin): never argv, a file or the log. Every step sets, never compares, so a rerun, or a
 * server that already has the new values, changes nothing.
 */
const SCRIPT = `set -euo pipefail
# A value as an SQL string literal: under NO_BACKSLASH_ESCAPES only a quote is doubled.
lit() { local v=$1; printf "'%s'" "\${v//\\'/\\'\\'}"; }
sql() {
  mariadb --no-defaults --protocol=tcp --host="$DB_HOST" --port="$DB_PORT" --user=root --batch --skip-column-names \\
    --init-command="SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')" "$@"
}
# Connect as root with the current password, or with the one the last rotation replaced.
root=''
for attempt in $(seq 1 "$CONNECT_ATTEMPTS"); do
  for candidate in "$ROOT_PASSWORD" "\${ROOT_PREVIOUS:-}"; do
    if [ -n "$candidate" ] && MYSQL_PWD=$candidate sql -e 'SELECT 1' >/dev/null 2>&1; then root=$candidate; break 2; fi
  done
  echo "waiting for MariaDB at $DB_HOST:$DB_PORT to accept root ($attempt/$CONNECT_ATTEMPTS)"
  sleep 5
done
if [ -z "$root" ]; then echo 'error: MariaDB refuses both the current and the previous root password' >&2; exit 1; fi
# The password of every account of a user, whatever its host (root has several).
set_password() {
  local hosts host
  hosts=$(MYSQL_PWD=$root sql -e "SELECT Host FROM mysql.user WHERE User = $(lit "$1")")
  if [ -z "$hosts" ]; then echo "no MariaDB account $1: nothing to change"; return; fi
  while IFS= read -r host; do
    printf 'SET PASSWORD FOR %s@%s = PASSWORD(%s);\\n' "$(lit "$1")" "$(lit "$host")" "$(lit "$2")"
  done <<<"$hosts" | MYSQL_PWD=$root sql
  echo "password of $1 set"
}
set_password root "$ROOT_PASSWORD"
root=$ROOT_PASSWORD
set_password "$APP_USER" "$APP_PASSWORD"
printf 'CREATE USER IF NOT EXISTS %s@%s IDENTIFIED BY %s;\\n' "$(lit "$HUB_USER")" "'%'" "$(lit "$HUB_PASSWORD")" | MYSQL_PWD=$root sql
set_password "$HUB_USER" "$HUB_PASSWORD"
# The hub tables and rows exist once core has run its schema.sql and data.sql.
count() { MYSQL_PWD=$root sql -e "$1"; }
tables="SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = $(lit "$DATABASE") AND TABLE_NAME IN ('TB_HUB', $HUB_TABLES)"
wanted=$(( $(tr -cd , <<<"$HUB_TABLES" | wc -c) + 2 ))
for attempt in $(seq 1 "$SEED_ATTEMPTS"); do
  if [ "$(count "$tables")" = "$wanted" ]; then break; fi
  echo "waiting for the backend to create the hub tables ($attempt/$SEED_ATTEMPTS)"
  sleep 5
done
if [ "$(count "$tables")" != "$wanted" ]; then echo 'error: the hub tables do not exist yet: is astrago-backend-core running?' >&2; exit 1; fi
for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
  if [ "$(count "SELECT COUNT(*) FROM \\\`$DATABASE\\\`.TB_HUB")" != 0 ]; then break; fi
  sleep 5
done
{
  for table in \${HUB_TABLES//[\\',]/ }; do
    printf 'GRANT %s ON \`%s\`.\`%s\` TO %s@%s;\\n' "$HUB_PRIVILEGES" "$DATABASE" "$table" "$(lit "$HUB_USER")" "'%'"
  done
  # The hubs the backend seeds name root; rows of hubs that name another server or login are left alone.
  printf "UPDATE \\\`%s\\\`.TB_HUB SET ENVS = JSON_SET(ENVS, '$.DB_USER', %s, '$.DB_PASSWORD', %s) WHERE JSON_VALID(ENVS) AND JSON_VALUE(ENVS, '$.DB_HOST') = %s AND JSON_VALUE(ENVS, '$.DB_USER') IN ('root', %s);\\n" \\
    "$DATABASE" "$(lit "$HUB_USER")" "$(lit "$HUB_PASSWORD")" "$(lit "$HUB_DB_HOST")" "$(lit "$HUB_USER")"
} | MYSQL_PWD=$root sql
echo "hub login $HUB_USER granted $HUB_PRIVILEGES on $HUB_TABLES; seeded hubs use it"
`;

/** `image` is the MariaDB server's: its client and bash run the script. */
export interface MariaDbAccountsProps extends PlatformPodProps {
  /** User id the Job runs as (the image's mysql user). */
  readonly uid: number;
  /** The server: its Service, database and application user. */
  readonly server: MariaDb;
  /**
   * Credential registry: root (with the value its last rotation replaced, which MariaDB keeps
   * until this Job changes it), the application user, and the hub login `HUB_DATABASE_USER`.
   */
  readonly credentials: CredentialRegistry;
  /**
   * How often to try to connect, 5 s apart, before failing (the Job then retries).
   * @default 60
   */
  readonly connectAttempts?: number;
  /**
   * How often to look for the hub tables, 5 s apart: core creates them at its first start.
   * @default 150
   */
  readonly seedAttempts?: number;
}

/**
 * A one-shot Job that makes MariaDB's accounts match the credential store: it sets root's
 * password (connecting with the current one, or the one the last rotation replaced), the
 * platform user's, and creates the hub login with only `HUB_PRIVILEGES` on `HUB_TABLES`, then
 * points the seeded hubs at it. The official image applies its passwords only to an empty data
 * directory; this Job is how they change afterwards. Its name carries the rotation count and a
 * hash of its spec: each rotation, and each change of the spec, is a new Job that Flux creates
 * (and the old one, no longer in the tree, is pruned).
 */
export class MariaDbAccounts extends Construct {
  public readonly job: kplus.Job;

  constructor(scope: Construct, id: string, props: MariaDbAccountsProps) {
    super(scope, id);
    const { server, credentials, namespace } = props;
    const ref = (credential: MariaDbCredential) => credentials.ref(this, credential, namespace);
    const rootPrevious = credentials.previousRef(this, 'mariadb-root', namespace);
    this.job = new OneShotJob(this, 'job', {
      name: 'mariadb-accounts',
      namespace: props.namespace,
      labels: componentLabels('mariadb-accounts'),
      image: imageName(props.image),
      pullPolicy: props.pullPolicy,
      imagePullSecrets: props.imagePullSecrets,
      uid: props.uid,
      script: SCRIPT,
      env: {
        DB_HOST: server.service.name,
        DB_PORT: String(server.service.port),
        DATABASE: server.database,
        HUB_DB_HOST: server.qualifiedHost,
        APP_USER: server.username,
        HUB_USER: HUB_DATABASE_USER,
        HUB_TABLES: HUB_TABLES.map((t) => `'${t}'`).join(','),
        HUB_PRIVILEGES,
        CONNECT_ATTEMPTS: String(props.connectAttempts ?? 60),
        SEED_ATTEMPTS: String(props.seedAttempts ?? 150),
      },
      secretEnv: {
        ROOT_PASSWORD: ref('mariadb-root'),
        APP_PASSWORD: ref('mariadb-user'),
        HUB_PASSWORD: ref('mariadb-hub'),
        ...(rootPrevious ? { ROOT_PREVIOUS: rootPrevious } : {}),
      },
      // Part of the Job's name: each rotation is a new Job (a Job runs once and its pod template cannot change).
      generation: MARIADB_CREDENTIALS.reduce((sum, c) => sum + credentials.rotation(c), 0),
    }).job;
  }
}
