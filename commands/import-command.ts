import type { Command } from 'commander';
import { existingTarget, importTargets, isRefusal, planImport, writeImport, type ImportOptions, type ImportPlan } from '../migrate/import';
import { customerFile, importReportFile } from '../model/layout';
import { EXIT, UserError, runCommand } from '../model/user-error';
import { withWriteLock } from '../output/write';
import { newCustomerProblem } from '../pipeline/customers';
import { NEW_CREDENTIALS_FLAG } from '../secrets/committed';
import { recordRetired } from '../secrets/credential-store';
import { ensureCustomerKey } from '../secrets/operator-key';
import { exitCodesHelp, type Io } from './io';

interface ImportFlags {
  as?: string;
  ip?: string;
  nfsServer?: string;
  nfsPath?: string;
  ageRecipient?: string[];
  newCredentials?: boolean;
}

/** A plan, or a UserError with every problem. */
function plan(options: ImportOptions): ImportPlan {
  const result = planImport(options);
  if (!isRefusal(result)) return result;
  throw new UserError(result.problems, result.usage ? EXIT.USAGE : EXIT.FINDINGS).withConsequence('nothing was written');
}

/** `astrago import`: a customer from an environment of the old Helmfile system. */
export function registerImport(program: Command, root: string, io: Io): void {
  program.command('import')
    .description(`create ${customerFile('<customer>')} and its encrypted credentials from an environment of the old Helmfile system; print what became of each old key`)
    .argument('<old-environments-folder>', 'the old environments: helmfile/environments (stabilize/1.0 layout) or environments (main layout) of astrago-deployment')
    .argument('<environment>', 'the environment to import: a customer of customers/ or default (stabilize/1.0), dev, stage, … (main)')
    .option('--as <customer>', 'name of the new customer (default: the environment\'s)')
    .option('--ip <address>', 'address users reach, for an environment that leaves it empty (replaces the old value)')
    .option('--nfs-server <address>', 'NFS server, for an environment that leaves it empty (replaces the old value)')
    .option('--nfs-path <path>', 'exported NFS folder (replaces the old value)')
    .option('--age-recipient <key>', 'age public key to encrypt the credentials for; repeat for several (default: generate a key pair in $ASTRAGO_KEYS_DIR or ~/.config/astrago/keys)',
      (key: string, keys: string[] = []) => [...keys, key])
    .option(NEW_CREDENTIALS_FLAG, 'reuse the name of a retired (removed) customer: the first synth generates the credentials the old environment lacks')
    .addHelpText('after', [
      `\nThe report (standard output, and ${importReportFile('<customer>')}) has one line per old key: "old.key → new.key = value", "old.key → credential`,
      'name" or "old.key: dropped: why". Credential values are never printed; those still at the old',
      'system\'s public defaults say how to rotate them after the move. Nothing is written unless',
      'everything maps; see docs/migration.md for the cutover.',
      exitCodesHelp({ 0: 'imported', 1: 'nothing written: the environment has a problem, or the customer exists', 2: 'wrong usage (folder, environment, name or flag)' }),
    ].join('\n'))
    .action(async (folder: string, environment: string, flags: ImportFlags) => {
      process.exitCode = await runCommand(io.err, async () => {
        const options: ImportOptions = {
          folder, environment, customer: flags.as, ip: flags.ip, nfsServer: flags.nfsServer, nfsPath: flags.nfsPath,
          ageRecipients: flags.ageRecipient ?? [],
        };
        let planned = plan(options);
        const targets = importTargets(planned.customer);
        // Before a key is generated: a refused import leaves nothing behind.
        const existing = existingTarget(root, planned.customer)
          ?? newCustomerProblem(root, planned.customer, { replace: true, newCredentials: flags.newCredentials });
        if (existing) throw new UserError(existing, EXIT.FINDINGS);
        let keyFile: string | undefined;
        if (!flags.ageRecipient?.length) {
          const key = await ensureCustomerKey(planned.customer, root);
          keyFile = key.file;
          io.err(`${key.created ? 'Generated' : 'Using'} the age key of ${planned.customer}: ${key.file}. Keep it out of git (a password manager);`
            + ` load it into the cluster with \`kubectl -n flux-system create secret generic sops-age --from-file=age.agekey=${key.file}\`.`);
          planned = plan({ ...options, ageRecipients: [key.recipient] });
        }
        let written: string[];
        try {
          // Synth, init and the secrets commands take the same lock: no one writes the store meanwhile.
          written = await withWriteLock(root, io.err, async () => {
            const files = await writeImport(root, planned);
            if (flags.newCredentials) recordRetired(root, planned.customer, false);
            return files;
          });
        } catch (e) {
          if (e instanceof UserError) throw e.withExitCode(EXIT.FINDINGS);
          throw e;
        }
        const stored = written.filter((f) => f !== targets.customerFile && f !== targets.report).length;
        io.err(`The report is in ${targets.report}: commit it with the customer.`);
        io.out(planned.report.map((line) => `${line}\n`).join(''));
        io.err(`Imported ${planned.environment.name} (${planned.environment.layout} layout) as ${targets.customerFile}, with ${stored} credential(s) encrypted in ${targets.store}/.`);
        if (planned.publicDefaults.length > 0) {
          io.err(`${planned.publicDefaults.length} of them are the old system's public defaults (${planned.publicDefaults.join(', ')}): rotate them after the move, as the report says.`);
        }
        io.err(`Next: \`SOPS_AGE_KEY_FILE=${keyFile ?? '<the key file>'} npx cdk8s synth\`, \`npx astrago validate ${planned.customer}\`, commit; then follow docs/migration.md.`);
        return EXIT.OK;
      });
    });
}
