import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { CREDENTIAL_NAMES, CREDENTIALS, isCredentialName, type Consumption, type CredentialName, type CredentialSpec } from '../catalog/credentials';
import { fieldsOf } from '../model/fields';
import { customerFile } from '../model/layout';
import { UserError, EXIT, runCommand } from '../model/user-error';
import { withWriteLock, writeCustomers } from '../output/write';
import { checkCredentials } from '../pipeline/credential-check';
import { loadAll, renderAll, type VaultOptions } from '../pipeline/synth';
import { operatorIdentities } from '../secrets/age';
import { CREDENTIAL_ANNOTATION, credentialValueProblem, MAX_CREDENTIAL_BYTES, utf8Text } from '../secrets/credential-store';
import { generateCredential, isSupplied } from '../secrets/sops-vault';
import { exitCodesHelp, type Io } from './io';
import { checkChangeable, ROTATION_EFFECTS, TREE_CHANGES } from './secrets-rotation';

type Log = (line: string) => void;

/**
 * Re-synthesizes one customer with changed credentials and writes it (all or nothing).
 * With a credential, refuses when the customer does not use it or manages it itself.
 */
export async function reseal(root: string, customer: string, vaultOptions: VaultOptions, log: Log, credential?: CredentialName): Promise<number> {
  return runCommand(log, () => withWriteLock(root, log, () => resealLocked(root, customer, vaultOptions, log, credential)));
}

async function resealLocked(root: string, customer: string, vaultOptions: VaultOptions, log: Log, credential?: CredentialName): Promise<number> {
  const configs = loadAll(root, log, customer);
  const existing = credential && configs[0].secrets.existing[credential];
  if (existing) {
    throw new UserError(`${customerFile(customer)}: secrets.existing.${credential}: expected no entry to let synth encrypt the credential, found the customer-managed Secret "${existing.secretName}"`);
  }
  const outputs = await renderAll(root, configs, () => vaultOptions);
  const holders = outputs[0].files.flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS()))
    .filter((o) => o?.kind === 'Secret' && (!credential || o.metadata?.annotations?.[CREDENTIAL_ANNOTATION] === credential));
  if (credential && holders.length === 0) {
    throw new UserError(`${customerFile(customer)}: expected a component that uses credential "${credential}", found none enabled`);
  }
  writeCustomers(root, outputs);
  log(`re-encrypted ${holders.length} Secret(s) of ${customer}: ${holders.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).join(', ')}`);
  return EXIT.OK;
}

/**
 * `secrets check`: one `error:` line per problem, then their count; or what was verified.
 * `identities` are the operator's age keys. Returns the exit code.
 */
export async function checkSecrets(root: string, log: Log, identities: readonly string[] = operatorIdentities()): Promise<number> {
  let found = 0;
  const code = await runCommand(log, async () => {
    const { problems, verified, unverified } = await checkCredentials(root, log, identities);
    found = problems.length;
    if (problems.length > 0) throw new UserError(problems);
    const macs = identities.length === 0 ? ' (MACs not verified: no SOPS_AGE_KEY_FILE or SOPS_AGE_KEY)'
      : unverified.length === 0 ? ', every MAC verifies'
        : `, the MACs of ${verified.join(', ')} verify (not those of ${unverified.join(', ')}: the key given is not theirs)`;
    log(`credentials intact: store and dist/ agree, no plaintext${macs}`);
    return EXIT.OK;
  });
  // The count closes the error lines runCommand printed.
  if (found > 0) log(`${found} problem(s)`);
  return code;
}

/** What `set` and `rotate` do to a running customer, for their help. */
const ROTATION_HELP = `What happens in the cluster: the commit you make of the result is applied by Flux. A credential that workloads read at every start
reaches them by a rollout of those workloads (the old pods serve until the new ones are ready). A credential a service keeps from its
first start (MariaDB, Keycloak, Harbor and their databases) must change in the service first: for MariaDB's, the tree does it with a
one-shot Job before the readers need the new value; for the others, you do it, following the procedure rotate and set print, and
confirm with --changed-in-service. After the change, the command prints the order of events and how long a service is unavailable.`;

/** Replaces one credential's value and says what will happen in the cluster. */
async function replace(root: string, customer: string, credential: CredentialName, value: string, log: Log): Promise<number> {
  const code = await reseal(root, customer, { newValues: { [credential]: value } }, log, credential);
  if (code === EXIT.OK) {
    log(`once committed and applied: ${ROTATION_EFFECTS[credential]}`);
    const consumption: Consumption = CREDENTIALS[credential].consumption;
    if (consumption.mode === 'initialisation' && TREE_CHANGES.has(consumption.change)) {
      log(`rotate ${credential} again only after that Job has completed: the store keeps one replaced value, the one the server has until then`);
    }
  }
  return code;
}

function parseCredential(name: string): CredentialName {
  if (!isCredentialName(name)) throw new UserError(`<credential>: expected one of ${CREDENTIAL_NAMES.join(', ')}, found another word of ${name.length} characters (not echoed: it may be a value typed in the wrong place)`, EXIT.USAGE);
  return name;
}

async function readValue(credential: CredentialName): Promise<string> {
  const spec: CredentialSpec = CREDENTIALS[credential];
  if (process.stdin.isTTY) {
    throw new UserError(spec.supplied === 'docker-config'
      ? `redirect a Docker config JSON to standard input, e.g. \`npx astrago secrets set <customer> ${credential} < "$DOCKER_CONFIG/config.json"\` after \`docker login --password-stdin\` (docs/customers.md), so the password never appears in argv or shell history`
      : `pipe the value on standard input, e.g. \`read -rs V && printf %s "$V" | npx astrago secrets set <customer> ${credential}\`, so it never appears in shell history or the process list`, EXIT.USAGE);
  }
  // Streamed, not fs.readFileSync(0): that fails with EAGAIN on a non-blocking pipe; and never more than a value may hold.
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(Buffer.from(chunk));
    size += chunk.length;
    if (size > MAX_CREDENTIAL_BYTES + 2) {
      throw new UserError(`standard input: expected at most ${MAX_CREDENTIAL_BYTES} bytes (an encrypted Secret must stay under the API server's 1 MiB), found more`, EXIT.USAGE);
    }
  }
  const value = utf8Text(Buffer.concat(chunks), 'standard input', EXIT.USAGE).replace(/\r?\n$/, '');
  if (value === '') throw new UserError('standard input: expected the value, found nothing', EXIT.USAGE);
  const problem = credentialValueProblem(value);
  if (problem) throw new UserError(`standard input: ${problem}`, EXIT.USAGE);
  if (spec.exactLength && value.length !== spec.length) throw new UserError(`standard input: expected exactly ${spec.length} characters for ${credential}, found ${value.length}`, EXIT.USAGE);
  if (spec.supplied === 'docker-config') {
    const notConfig = dockerConfigProblem(value);
    if (notConfig) throw new UserError(`standard input: expected a Docker config JSON with a login under "auths" for ${credential}, found ${notConfig} (not echoed)`, EXIT.USAGE);
  }
  return value;
}

/**
 * What keeps a text from being a Docker config kubelet can pull with: JSON whose `auths` maps
 * each registry to an `auth` (base64 user:password) or to a username and password. A config
 * whose logins sit in a credential helper (`credsStore`) holds none of them.
 */
export function dockerConfigProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `a text of ${text.length} characters that is not JSON`;
  }
  const auths = fieldsOf(fieldsOf(parsed).auths);
  if (Object.keys(auths).length === 0) return 'JSON without registries under "auths"';
  const empty = Object.entries(auths).filter(([, login]) => {
    const l = fieldsOf(login);
    return !(typeof l.auth === 'string' && l.auth !== '') && !(typeof l.username === 'string' && typeof l.password === 'string');
  }).map(([registry]) => registry);
  return empty.length > 0 ? `no login for ${empty.join(', ')} (kept by a credential helper? log in with a fresh DOCKER_CONFIG)` : undefined;
}

export function registerSecrets(program: Command, root: string, io: Io): void {
  const log: Log = io.err;
  const run = async (action: () => Promise<number> | number) => {
    process.exitCode = await runCommand(io.err, action);
  };
  const codes = exitCodesHelp({ 0: 'done', 1: 'nothing written: see the error (invalid customer, unused or customer-managed credential, missing identity)', 2: 'wrong usage (unknown customer or credential)' });
  const secrets = program.command('secrets')
    .description('manage the encrypted credentials of customers (values never appear in git in plain text)');
  const changedInService = '--changed-in-service';
  const changeHelp = `\n${ROTATION_HELP}\n`;
  secrets.command('set <customer> <credential>').addHelpText('after', changeHelp + codes)
    .description('encrypt a value read from standard input as the credential, in every Secret that holds it; exit 1 if the customer does not use it, '
      + `or if a service keeps the credential, the tree cannot change it there, and ${changedInService} is missing`)
    .option(changedInService, 'confirm that you set the same value in the service that keeps it (Keycloak, Harbor, their PostgreSQL) first')
    .action((customer: string, name: string, options: { changedInService?: boolean }) => run(async () => {
      const credential = parseCredential(name);
      checkChangeable(customer, credential, 'set', options.changedInService === true);
      return replace(root, customer, credential, await readValue(credential), log);
    }));
  secrets.command('rotate <customer> <credential>').addHelpText('after', changeHelp + codes)
    .description('replace the credential with a new random value in every Secret that holds it, and in the service when the tree can change it there (MariaDB); '
      + 'refuses, printing the procedure, when only you can change it in its service')
    .option(changedInService, 'for harbor-secret-key, which Harbor cannot change in place: accept entering its encrypted secrets again')
    .action((customer: string, name: string, options: { changedInService?: boolean }) => run(() => {
      const credential = parseCredential(name);
      if (isSupplied(credential)) throw new UserError(`<credential>: ${credential} is a login only its owner can give, never generated: replace it with \`npx astrago secrets set ${customer} ${credential}\``, EXIT.USAGE);
      checkChangeable(customer, credential, 'rotate', options.changedInService === true);
      return replace(root, customer, credential, generateCredential(credential), log);
    }));
  secrets.command('rekey <customer>').addHelpText('after', codes)
    .description('re-encrypt every Secret of the customer for the current secrets.ageRecipients; needs SOPS_AGE_KEY_FILE or SOPS_AGE_KEY')
    .action((customer: string) => run(() => reseal(root, customer, { rekey: true }, log)));
  secrets.command('check')
    .description('exit 1 if a credential is in plain text, or a store entry or Secret in dist/ is damaged, encrypted for other '
      + 'recipients or differs from the store; with SOPS_AGE_KEY_FILE or SOPS_AGE_KEY also verifies every MAC')
    .addHelpText('after', exitCodesHelp({ 0: 'every credential intact', 1: 'problems found (one error: line each)', 2: 'wrong usage' }))
    .action(() => run(() => checkSecrets(root, log)));
}
