/**
 * The customer's age key pair when `init` creates it: the private key goes to the operator's
 * key folder (never into the repository), the public key into the customer file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Age from 'age-encryption';

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

/** The customer's key file, created (mode 0600) unless it exists already. */
export async function ensureCustomerKey(customer: string, env: NodeJS.ProcessEnv = process.env): Promise<CustomerKey> {
  const age: typeof Age = require('age-encryption');
  const file = path.join(keysDir(env), `${customer}.agekey`);
  if (fs.existsSync(file)) {
    const identity = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'));
    if (identity) return { recipient: await age.identityToRecipient(identity), file, created: false };
  }
  const identity = await age.generateX25519Identity();
  const recipient = await age.identityToRecipient(identity);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `# age key of Astrago customer ${customer}: decrypts its credentials.\n# public key: ${recipient}\n${identity}\n`, { mode: 0o600 });
  return { recipient, file, created: true };
}
