/**
 * The customer's age key pair when `init` creates it: the private key goes to the operator's
 * key folder (never into the repository), the public key into the customer file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Age from 'age-encryption';
import { UserError } from '../model/user-error';
import { guard } from '../files/file-steps';
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
 * its owner only (0600, folder 0700), whatever mode an earlier file had.
 */
export async function ensureCustomerKey(customer: string, env: NodeJS.ProcessEnv = process.env): Promise<CustomerKey> {
  const age: typeof Age = require('age-encryption');
  const file = path.join(keysDir(env), `${customer}.agekey`);
  if (guard(file, () => fs.existsSync(file))) {
    const stat = guard(file, () => fs.lstatSync(file));
    if (!stat.isFile()) throw new UserError(`${file}: expected a regular key file, found ${stat.isSymbolicLink() ? 'a symbolic link' : 'another kind of entry'}; move it away`);
    guard(file, () => fs.chmodSync(file, 0o600));
    const identity = parseIdentities(guard(file, () => fs.readFileSync(file, 'utf8')), file)[0];
    if (identity) return { recipient: await age.identityToRecipient(identity), file, created: false };
  }
  const identity = await age.generateX25519Identity();
  const recipient = await age.identityToRecipient(identity);
  guard(path.dirname(file), () => fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 }));
  guard(path.dirname(file), () => fs.chmodSync(path.dirname(file), 0o700));
  guard(file, () => fs.writeFileSync(file, `# age key of Astrago customer ${customer}: decrypts its credentials.\n# public key: ${recipient}\n${identity}\n`, { mode: 0o600 }));
  guard(file, () => fs.chmodSync(file, 0o600));
  return { recipient, file, created: true };
}
