/**
 * age wrapping of SOPS data keys, with the reference TypeScript implementation of age.
 * One armored age file per recipient, as SOPS writes it, so any single identity decrypts.
 */
import * as fs from 'node:fs';
import type * as Age from 'age-encryption';
import { guard } from '../files/file-steps';
import { UserError } from '../model/user-error';
import type { AgeStanza } from './sops';

/** Loaded on first use: most synths reuse committed encryptions and never need age. */
const age = (): typeof Age => require('age-encryption');

export async function wrapDataKey(dataKey: Buffer, recipients: readonly string[]): Promise<AgeStanza[]> {
  return Promise.all([...recipients].sort().map(async (recipient) => {
    const { armor, Encrypter } = age();
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    return { recipient, enc: armor.encode(await encrypter.encrypt(dataKey)) };
  }));
}

/** The data key, decrypted with the first identity that matches one of the stanzas. */
export async function unwrapDataKey(stanzas: readonly AgeStanza[], identities: readonly string[]): Promise<Buffer | undefined> {
  for (const stanza of stanzas) {
    for (const identity of identities) {
      const { armor, Decrypter } = age();
      const decrypter = new Decrypter();
      decrypter.addIdentity(identity);
      try {
        return Buffer.from(await decrypter.decrypt(armor.decode(stanza.enc)));
      } catch {
        // Not this identity's stanza: try the next.
      }
    }
  }
  return undefined;
}

/**
 * Identities (`AGE-SECRET-KEY-1…`) of the operator, from the same variables SOPS reads:
 * SOPS_AGE_KEY (the keys themselves) or SOPS_AGE_KEY_FILE (a key file).
 */
/** The one wording of a document none of the operator's identities opens: the file, its recipients, what was found. */
export function noMatchingIdentity(file: string, recipients: readonly string[], identities: readonly string[]): string {
  return `${file}: expected an age identity for one of its recipients (${recipients.join(', ')}) in SOPS_AGE_KEY_FILE or SOPS_AGE_KEY, `
    + `found ${identities.length ? 'none that matches' : 'none'}`;
}

export function operatorIdentities(env: NodeJS.ProcessEnv = process.env): string[] {
  const file = env.SOPS_AGE_KEY_FILE;
  return [
    ...parseIdentities(env.SOPS_AGE_KEY ?? '', 'SOPS_AGE_KEY'),
    ...(file ? parseIdentities(guard(`SOPS_AGE_KEY_FILE ${file}`, () => fs.readFileSync(file, 'utf8')), `SOPS_AGE_KEY_FILE ${file}`) : []),
  ];
}

const IDENTITY = /^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/;

/**
 * The age identities in a key file's text (comments and blank lines skipped); a line that is
 * neither is refused by line number, never echoed: it may be a mistyped key.
 */
export function parseIdentities(text: string, source: string): string[] {
  const lines = text.split('\n').map((l) => l.trim());
  const bad = lines.findIndex((l) => l !== '' && !l.startsWith('#') && !IDENTITY.test(l));
  if (bad !== -1) throw new UserError(`${source}: line ${bad + 1}: expected an age identity (AGE-SECRET-KEY-1 and 58 characters) or a # comment, found another text`);
  return lines.filter((l) => IDENTITY.test(l));
}
