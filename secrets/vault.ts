/**
 * The boundary between constructs and encryption: constructs say which Secret holds which
 * credential; a vault returns the Secret object with its data SOPS-encrypted.
 */
import type { CredentialName } from '../catalog/credentials';

/**
 * What one key of a Secret holds: a credential's value (or, with `previous`, the value its last
 * rotation replaced), or a plain non-secret value (a user name).
 */
export type SecretEntry = { readonly credential: CredentialName; readonly previous?: true } | { readonly value: string };

export interface SealRequest {
  /** Name of the Secret. */
  readonly name: string;
  /** Namespace of the Secret: the namespace of the workload or HelmRelease that reads it. */
  readonly namespace: string;
  /** Key of the Secret → what it holds. */
  readonly entries: Readonly<Record<string, SecretEntry>>;
  /**
   * Type of the Secret (`kubernetes.io/dockerconfigjson` for a pull secret).
   * @default 'Opaque'
   */
  readonly type?: string;
}

/** A Kubernetes object as plain JSON. */
export type JsonObject = { [key: string]: unknown };

/** A Secret being encrypted; its object is available once the vault has been flushed. */
export interface SealedSecret {
  /** Metadata of the Secret, known before encryption. */
  readonly metadata: { readonly name: string; readonly namespace: string; readonly annotations: Readonly<Record<string, string>> };
  /** The complete Secret object (apiVersion … data, sops), to be written as is. */
  readonly object: JsonObject;
}

export interface SecretVault {
  /** Whether a value of the credential is at hand (stored, or being set): a supplied one may not be. */
  holds(credential: CredentialName): boolean;
  /** Registers a Secret to encrypt; encryption itself happens in `flush`. */
  seal(request: SealRequest): SealedSecret;
  /** Encrypts everything registered (age is asynchronous); call before rendering. */
  flush(): Promise<void>;
  /**
   * Times the credential's value has been replaced, this run's replacement included (0: never):
   * known before encryption, so constructs name the in-service change of each rotation by it.
   */
  rotation(credential: CredentialName): number;
}
