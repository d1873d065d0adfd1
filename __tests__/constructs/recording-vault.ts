import type { CredentialName } from '../../catalog/credentials';
import type { SealedSecret, SealRequest, SecretVault } from '../../secrets/vault';

/**
 * A vault for construct tests: it records what it is asked to seal and encrypts nothing
 * (encryption is EncryptedSecret's and SopsVault's business, tested there).
 */
export class RecordingVault implements SecretVault {
  public readonly requests: SealRequest[] = [];

  /**
   * @param held credentials it has a value of (a supplied one may be missing)
   * @param rotations times each credential was rotated
   */
  constructor(private readonly held: readonly CredentialName[] = [], private readonly rotations: Partial<Record<CredentialName, number>> = {}) {}

  public holds(credential: CredentialName): boolean {
    return this.held.includes(credential);
  }

  public seal(request: SealRequest): SealedSecret {
    this.requests.push(request);
    return { metadata: { name: request.name, namespace: request.namespace, annotations: {} }, object: { data: {}, sops: {}, type: request.type ?? 'Opaque' } };
  }

  public async flush(): Promise<void> {}

  public rotation(credential: CredentialName): number {
    return this.rotations[credential] ?? 0;
  }
}
