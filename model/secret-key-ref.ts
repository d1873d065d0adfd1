/**
 * A reference to one key of a Secret, the shared type of everything that reads a credential: a
 * leaf module, so that the constructs that read credentials and the registry that makes them
 * need not import each other.
 */
/** Where a consumer reads a value: `secretKeyRef`, `valuesFrom`, or a chart's existing-secret option. */
export interface SecretKeyRef {
  /** Secret name, in the consumer's namespace. */
  readonly name: string;
  /** Key holding the credential's value. */
  readonly key: string;
  /**
   * Times the value was replaced: a reader that reads it only at start is restarted by a pod
   * annotation carrying it (`secretEnv`).
   * @default 0
   */
  readonly rotation?: number;
}
