/**
 * The customer's age key pair when `init` creates it: the private key goes to the operator's
 * key folder (never into the repository), the public key into the customer file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Age from 'age-encryption';
import { asFileSystemError, guard, lstatOrUndefined } from '../files/file-steps';
import { errnoCode } from '../model/caught';
import { UserError } from '../model/user-error';
import { parseIdentities } from './age';

/** Where generated private keys are kept: $ASTRAGO_KEYS_DIR, else ~/.config/astrago/keys. */
export function keysDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ASTRAGO_KEYS_DIR ?? path.join(os.homedir(), '.config', 'astrago', 'keys');
}

export interface CustomerKey {
  readonly recipient: string;
  readonly file: string;
  /** False when an existing key file of the customer was reused. */
  readonly created: boolean;
}

/**
 * The customer's key file, created unless it exists already; either way it ends readable by
 * its owner only (0600, folder 0700), whatever mode an earlier file had. Created at most once:
 * written aside, then hard-linked into place, which fails when another run created it first;
 * that one is used. A key folder inside the repository `root` is refused (a key there is one
 * `git add` away from being published).
 */
export async function ensureCustomerKey(customer: string, root: string, env: NodeJS.ProcessEnv = process.env): Promise<CustomerKey> {
  const age: typeof Age = require('age-encryption');
  const dir = keysDir(env);
  const inside = insideFolder(root, dir);
  if (inside) {
    throw new UserError(`${env.ASTRAGO_KEYS_DIR !== undefined ? 'ASTRAGO_KEYS_DIR' : 'the key folder'} ${dir}: expected a folder outside the repository `
      + `(a private key there is one \`git add\` away from being published), found it inside ${inside}; point ASTRAGO_KEYS_DIR elsewhere, e.g. ~/.config/astrago/keys`);
  }
  const file = path.join(dir, `${customer}.agekey`);
  const existing = await readKey(file, age);
  if (existing) return existing;
  const identity = await age.generateX25519Identity();
  const recipient = await age.identityToRecipient(identity);
  guard(dir, () => fs.mkdirSync(dir, { recursive: true, mode: 0o700 }));
  guard(dir, () => fs.chmodSync(dir, 0o700));
  const pending = `${file}.${process.pid}.tmp`;
  guard(pending, () => fs.writeFileSync(pending, `# age key of Astrago customer ${customer}: decrypts its credentials.\n# public key: ${recipient}\n${identity}\n`, { mode: 0o600 }));
  try {
    fs.linkSync(pending, file);
  } catch (e) {
    if (errnoCode(e) !== 'EEXIST') throw asFileSystemError(e, file);
    // Another init or import of this customer created it meanwhile: theirs is the key.
    const theirs = await readKey(file, age);
    if (!theirs) throw new UserError(`${file}: expected the key file another run just created, found it gone; run the command again`);
    return theirs;
  } finally {
    fs.rmSync(pending, { force: true });
  }
  guard(file, () => fs.chmodSync(file, 0o600));
  return { recipient, file, created: true };
}

/** The key in an existing file, made 0600; undefined when there is no file. Never replaced: a file without an identity is refused. */
async function readKey(file: string, age: typeof Age): Promise<CustomerKey | undefined> {
  const stat = guard(file, () => lstatOrUndefined(file));
  if (!stat) return undefined;
  if (!stat.isFile()) throw new UserError(`${file}: expected a regular key file, found ${stat.isSymbolicLink() ? 'a symbolic link' : 'another kind of entry'}; move it away`);
  guard(file, () => fs.chmodSync(file, 0o600));
  const identity = parseIdentities(guard(file, () => fs.readFileSync(file, 'utf8')), file)[0];
  if (!identity) throw new UserError(`${file}: expected an age identity (AGE-SECRET-KEY-1…), found none; it is never overwritten: restore the key, or move the file away to generate a new one`);
  return { recipient: await age.identityToRecipient(identity), file, created: false };
}

/** The repository folder (real path) that `dir` lies in, or undefined when it lies outside. */
function insideFolder(root: string, dir: string): string | undefined {
  const real = (p: string): string => {
    // The nearest folder that exists, resolved through symbolic links, with the rest appended.
    try {
      return fs.realpathSync(p);
    } catch {
      const parent = path.dirname(p);
      return parent === p ? p : path.join(real(parent), path.basename(p));
    }
  };
  const [top, target] = [real(path.resolve(root)), real(path.resolve(dir))];
  const relative = path.relative(top, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative)) ? top : undefined;
}
