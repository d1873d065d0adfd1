/**
 * What replacing a credential of a running customer does, per credential: whether the tree
 * makes the change in the service, or the operator must first (`--changed-in-service`), and
 * what happens in the cluster once Flux applies the commit, in order, with how long a service
 * is unavailable. Derived from each credential's consumption in catalog/credentials.ts.
 */
import { CREDENTIALS, type Consumption, type CredentialName, type InServiceChange } from '../catalog/credentials';
import { UserError, EXIT } from '../model/user-error';

/**
 * In-service changes the generated tree makes itself: MariaDB's (constructs/applications/mariadb-accounts.ts)
 * and PostgreSQL's (constructs/credentials/postgres-password.ts).
 */
export const TREE_CHANGES: ReadonlySet<InServiceChange> = new Set<InServiceChange>(['mariadb-alter-user', 'postgresql-alter-user']);

const ACCOUNTS_JOB = 'Job mariadb-accounts-<rotation>-<hash> (namespace astrago)';

/** What happens in the cluster once Flux applies the change, in order, and what is unavailable for how long. */
export const ROTATION_EFFECTS: Readonly<Record<CredentialName, string>> = {
  'mariadb-root': `Flux (applications-configs) applies Secrets mariadb-root and mariadb-root-previous and ${ACCOUNTS_JOB}. `
    + 'The Job connects with the previous root password and sets the new one on every root account, seconds after MariaDB accepts connections. '
    + 'No workload logs in as root: nothing restarts and no service is unavailable.',
  'mariadb-user': `Flux (applications-configs) applies Secret mariadb-user and ${ACCOUNTS_JOB}, and rolls the three backends. `
    + 'The Job sets the new password in MariaDB within seconds; a new backend pod that starts before that fails to connect and is restarted. '
    + 'The old pods serve until the new ones are Ready (1–3 minutes), so the platform stays up, but a request that needs a new database connection in an old pod fails meanwhile.',
  'mariadb-hub': `Flux (applications-configs) applies Secret mariadb-hub and ${ACCOUNTS_JOB}, which sets the hub login's new password and writes it into the seeded hubs (TB_HUB). `
    + 'Hub workloads started afterwards use it; a running one keeps the old password and fails at its next new connection: start it again. No platform service is unavailable.',
  'grafana-admin': 'Flux (monitoring-controllers) applies the Secret and upgrades the release, which rolls Grafana: dashboards are unavailable for about 30 s while the new pod starts.',
  'nextauth-secret': 'Flux (applications-configs) applies the Secret and rolls the frontend: the old pod serves until the new one is Ready (no outage); every user is signed out once.',
  'astrago-user-init-password': 'Flux (applications-configs) applies the Secret and rolls the core and batch backends: the old pods serve until the new ones are Ready (no outage). '
    + 'Users created afterwards get the new initial password.',
  'keycloak-admin': 'Flux applies the Secrets (security-controllers, then applications-configs) and rolls the backends, which manage users with it: '
    + 'the old pods serve until the new ones are Ready, but from your change in Keycloak until then their user management calls fail. Keycloak itself does not restart.',
  'keycloak-db': 'Flux (security-controllers) applies Secrets keycloak-db and keycloak-db-previous and Job keycloak-db-password-<rotation>-<hash> (namespace keycloak), '
    + 'and upgrades Keycloak, which restarts. The Job logs in with the previous password and sets the new one in PostgreSQL within seconds; a Keycloak pod that starts '
    + 'before that fails to connect and is restarted. Sign-in fails for 1–3 minutes, while Keycloak restarts.',
  'keycloak-client-secret': 'Flux (applications-configs) applies the Secret and rolls the frontend. From the regeneration in Keycloak until the frontend\'s new pod is Ready, '
    + 'sign-in fails (the frontend still sends the old secret): apply the commit promptly. Keycloak itself does not restart.',
  'registry-login': 'Flux (applications-configs) applies the dockerconfigjson Secret: the kubelet uses it at the next image pull of the platform\'s pods (a rollout or a new node); '
    + 'running pods keep their images, so nothing restarts and no service is unavailable. Revoke the old login in the registry only after that.',
  'harbor-admin': 'Flux applies the Secrets (security-controllers, then applications-configs) and rolls the core and batch backends. '
    + 'Between your change in Harbor and their rollout, the backends\' Harbor calls (image projects and listings) fail; Harbor itself stays up.',
  'harbor-db': 'Flux (security-controllers) applies Secrets harbor-db and harbor-db-previous and Job harbor-db-password-<rotation>-<hash> (namespace harbor), '
    + 'and upgrades Harbor, which rolls its core. The Job logs in with the previous password and sets the new one in PostgreSQL within seconds; until the new core pod is Ready '
    + '(1–3 minutes) the old one serves, but its new database connections fail: Harbor\'s API and image pushes may fail meanwhile.',
  'harbor-secret-key': 'Flux (security-controllers) upgrades Harbor with the new key, which rolls Harbor\'s core and jobservice: Harbor is unavailable for 1–3 minutes, '
    + 'and what it stored encrypted before (registry endpoint passwords, the OIDC client secret) must be entered again.',
};

/**
 * Refuses to replace a credential a service keeps from its initialisation when the tree cannot
 * change it there and the operator has not confirmed having done so, printing the procedure;
 * `rotate` (a random value the operator has not seen) is refused whenever the operator must type the value in.
 */
export function checkChangeable(customer: string, credential: CredentialName, command: 'rotate' | 'set', changedInService: boolean): void {
  const consumption: Consumption = CREDENTIALS[credential].consumption;
  if (consumption.mode === 'every-start' || TREE_CHANGES.has(consumption.change)) return;
  const set = `\`printf %s "$NEW" | npx astrago secrets set ${customer} ${credential} --changed-in-service\``;
  if (command === 'rotate' && consumption.change !== 'none') {
    throw new UserError(`${credential}: expected a credential the tree changes in its service, found one kept in ${consumption.keptIn}, `
      + `which only you can change: choose the new value (\`read -rs NEW\`), ${consumption.procedure}, then store the same value with ${set}; nothing written`, EXIT.FINDINGS);
  }
  if (!changedInService) {
    const store = command === 'set' ? set : `\`npx astrago secrets rotate ${customer} ${credential} --changed-in-service\``;
    throw new UserError(`${credential}: expected --changed-in-service, found none: the value is kept in ${consumption.keptIn}, and replacing only the Secrets `
      + `locks its readers out; first ${consumption.procedure}, then run ${store}; nothing written`, EXIT.FINDINGS);
  }
}
