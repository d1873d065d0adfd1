import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { SealRequest, SecretVault } from '../../secrets/vault';

export interface EncryptedSecretProps {
  /** Name, namespace and content of the Secret. */
  readonly request: SealRequest;
  /** Encrypts the content (or copies the encryption kept in the customer's credential store). */
  readonly vault: SecretVault;
}

/** A Secret whose data is SOPS-encrypted: Flux's kustomize-controller decrypts it on apply. */
export class EncryptedSecret extends Construct {
  constructor(scope: Construct, id: string, props: EncryptedSecretProps) {
    super(scope, id);
    const sealed = props.vault.seal(props.request);
    // Encryption finishes after construction (age is asynchronous): fields resolve at render.
    const field = (key: string) => Lazy.any({ produce: () => sealed.object[key] });
    new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { ...sealed.metadata, annotations: { ...sealed.metadata.annotations } },
      ...Object.fromEntries(['data', 'sops', 'type'].map((key) => [key, field(key)])),
    });
  }
}
