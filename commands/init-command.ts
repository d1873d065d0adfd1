import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import type { LoadedConfig } from '../config/load';
import { ANSWER_KEYS, customerFileText, loadNewCustomer, nameProblem, NEW_CUSTOMER_INGRESS_CONTROLLER, type NewCustomer } from '../config/new-customer';
import { defaultRing, loadRings, releaseResolver } from '../config/releases';
import { DEFAULT_KUBERNETES_VERSION, DEFAULT_NFS_BASE_PATH, IngressController, PROFILES } from '../config/schema';
import { customerDistFolder, customerFile, customerFluxFolder, entryFile } from '../model/layout';
import { UserError, EXIT, runCommand } from '../model/user-error';
import { withWriteLock, writeCustomers } from '../output/write';
import { newCustomerProblem, renderCustomerOutput } from '../pipeline/customers';
import { NEW_CREDENTIALS_FLAG } from '../secrets/committed';
import { recordRetired } from '../secrets/credential-store';
import { ensureCustomerKey } from '../secrets/operator-key';
import { runWizard } from './init-wizard';
import { exitCodesHelp, type Io } from './io';

type InitFlags = Omit<NewCustomer, 'name'> & { force?: boolean; newCredentials?: boolean };

/** `--nfs-server` for `nfsServer`: problems are reported by the flag the user typed. */
const flagOf = (answer: string) => `--${answer.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Flags without which no customer file can be written. */
function missingFlags(name: string | undefined, flags: InitFlags): string[] {
  return [
    ...(name ? [] : ['<name>']),
    ...(flags.ip || flags.domain ? [] : ['--ip or --domain']),
    ...(flags.nfsServer ? [] : ['--nfs-server']),
  ];
}

/** The customer file the answers make, or a usage error naming the flag of each wrong answer. */
function validNewCustomer(answers: NewCustomer, root: string): LoadedConfig {
  const loaded = loadNewCustomer(answers, releaseResolver(root));
  if (loaded.config) return loaded;
  const keyFlags = Object.entries(ANSWER_KEYS).map(([answer, key]) => [key, flagOf(answer)]);
  // By the flag that set the key (`secrets.ageRecipients.0` is --age-recipient's); the file does not exist yet, so never by its line.
  throw new UserError(loaded.errors.map((p) => {
    const flag = keyFlags.find(([key]) => p.path === key || p.path.startsWith(`${key}.`))?.[1];
    return `${flag ?? (p.path || 'init')}: expected ${p.expected}, found ${p.found}`;
  }), EXIT.USAGE);
}

/**
 * Writes the customer file, then its dist/ and flux/ entry through the synth writer. The tree
 * is rendered before anything is written, and the file is put back if writing the tree fails.
 */
async function createCustomer(root: string, given: NewCustomer, io: Io,
  { force, newCredentials }: { force: boolean; newCredentials: boolean }): Promise<number> {
  let answers = given;
  let { config } = validNewCustomer(answers, root);
  if (!answers.ageRecipient) {
    // Only now that the answers are valid: a refused init leaves no key behind.
    const key = await ensureCustomerKey(answers.name, root);
    answers = { ...answers, ageRecipient: key.recipient };
    ({ config } = validNewCustomer(answers, root));
    io.err(`${key.created ? 'Generated' : 'Using'} the age key of ${answers.name}: ${key.file}. Keep it out of git (a password manager);`
      + ` load it into the cluster with \`kubectl -n flux-system create secret generic sops-age --from-file=age.agekey=${key.file}\`.`);
  }
  return withWriteLock(root, io.err, async () => {
    // Checked again as the only writer: another init of the name may have finished meanwhile.
    const taken = newCustomerProblem(root, config.name, { replace: force, newCredentials });
    if (taken) throw new UserError(taken);
    const output = await renderCustomerOutput(root, config, { allowNewCredentials: newCredentials });
    const file = path.join(root, customerFile(config.name));
    const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, customerFileText(answers));
    try {
      writeCustomers(root, [output]);
      if (newCredentials) recordRetired(root, config.name, false);
    } catch (e) {
      if (previous === undefined) fs.rmSync(file);
      else fs.writeFileSync(file, previous);
      throw e;
    }
    return output.files.length;
  });
}

/** `astrago init`: a new customer from flags, or from a wizard in a terminal. */
export function registerInit(program: Command, root: string, io: Io): void {
  program.command('init')
    .description(`create ${customerFile('<name>')} and synthesize its ${customerDistFolder('<name>')}/ and ${customerFluxFolder('<name>')}/ (a wizard asks for what the flags leave out)`)
    .argument('[name]', 'customer name: a DNS-1123 label such as acme')
    .option('--ip <address>', 'IPv4 address users reach (ip mode), or the ingress LoadBalancer IP with --domain')
    .option('--domain <name>', 'DNS name users reach (domain mode)')
    .addOption(new Option('--tls-issuer <issuer>', 'serve HTTPS with a certificate from this cert-manager ClusterIssuer').conflicts('tlsSecret'))
    .option('--tls-secret <secret>', 'serve HTTPS with this existing TLS Secret')
    .option('--nfs-server <address>', 'NFS server address or hostname')
    .option('--nfs-path <path>', `exported NFS directory (default ${DEFAULT_NFS_BASE_PATH})`)
    .option('--kubernetes-version <version>', `the cluster's Kubernetes version, e.g. 1.30.4 (kubectl version; default ${DEFAULT_KUBERNETES_VERSION})`)
    .option('--offline-registry <registry>', 'mirror registry of an air-gapped cluster, e.g. harbor.local:443/astrago')
    .addOption(new Option('--profile <profile>', 'layer of defaults').choices(PROFILES))
    .addOption(new Option('--ingress-controller <controller>', `ingress controller (default ${NEW_CUSTOMER_INGRESS_CONTROLLER})`).choices(Object.values(IngressController)))
    .option('--age-recipient <key>', 'age public key to encrypt the credentials for (default: generate a key pair in $ASTRAGO_KEYS_DIR or ~/.config/astrago/keys)')
    .option('--force', 'replace an existing customer file')
    .option(NEW_CREDENTIALS_FLAG, 'reuse the name of a retired (removed) customer, with new credentials: data its old installation left will not accept them')
    .addHelpText('after', [
      '\nWithout <name>, --nfs-server and --ip or --domain, init asks for the rest in a terminal;',
      'without a terminal (or with CI=true) it stops and names the missing flags.',
      exitCodesHelp({ 0: 'written', 1: 'the customer exists (use --force), the name is retired or has a .yml twin, or the wizard was declined', 2: 'wrong usage (missing or invalid flag, invalid name)' }),
    ].join('\n'))
    .action(async (name: string | undefined, flags: InitFlags) => {
      process.exitCode = await runCommand(io.err, async () => {
        const refusal = (n: string) => newCustomerProblem(root, n, { replace: flags.force, newCredentials: flags.newCredentials });
        if (name !== undefined) {
          const problem = nameProblem(name);
          if (problem) throw new UserError(`<name>: ${problem}`, EXIT.USAGE);
          const existing = refusal(name);
          if (existing) throw new UserError(existing, EXIT.FINDINGS);
        }
        if ((flags.tlsIssuer || flags.tlsSecret) && !flags.domain) {
          throw new UserError(`${flags.tlsIssuer ? '--tls-issuer' : '--tls-secret'}: expected --domain with it (TLS needs a domain name), found no --domain`, EXIT.USAGE);
        }
        const { force: _force, newCredentials: _new, ...flagAnswers } = flags;
        // The default ring written out, so the file says in which wave the customer upgrades.
        const rings = loadRings(root);
        const given = rings ? { ...flagAnswers, ring: defaultRing(rings).name } : flagAnswers;
        const missing = missingFlags(name, flags);
        let answers: NewCustomer | undefined = name === undefined ? undefined : { ...given, name };
        if (missing.length > 0 || !answers) {
          if (!io.interactive) throw new UserError(`init: missing ${missing.join(', ')} (or run it in a terminal for the wizard)`, EXIT.USAGE);
          answers = await runWizard(io.prompts, { ...given, name }, refusal, (text) => io.err(text));
          if (!answers) {
            io.err('Not written.');
            return EXIT.FINDINGS;
          }
        }
        // The wizard's name passed the same checks as it was typed.
        const count = await createCustomer(root, answers, io, { force: flags.force === true, newCredentials: flags.newCredentials === true });
        io.err(`Created ${customerFile(answers.name)} and ${count} files in ${customerDistFolder(answers.name)}/ and ${entryFile(answers.name)}.`);
        io.err(`Next: commit them, then run \`flux bootstrap git … --path=${customerFluxFolder(answers.name)}\` against the customer's cluster.`);
        return EXIT.OK;
      });
    });
}
