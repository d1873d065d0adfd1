/**
 * A credential registry for constructs tested alone. Every credential is customer-managed
 * (`secrets.existing`, each Secret named as its credential, key `password`): references resolve
 * without a store, a vault or a tier file, and name exactly the Secret a generated credential gets.
 */
import { CredentialRegistry } from '../../constructs/credentials/credential-registry';
import { SopsVault } from '../../secrets/sops-vault';
import { configFrom, MINIMAL, withExistingCredentials } from '../helpers';

export function customerManagedCredentials(): CredentialRegistry {
  const config = configFrom(withExistingCredentials(MINIMAL));
  return new CredentialRegistry(config, new SopsVault({ customer: config.name, recipients: config.secrets.ageRecipients }));
}
