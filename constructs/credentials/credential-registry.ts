import type { Construct } from 'constructs';
import { previousSecretName, SECRET_KEYS, type CredentialName } from '../../catalog/credentials';
import type { CustomerConfig } from '../../config/schema';
import { customerFile, type ComponentPlacement } from '../../model/layout';
import type { SecretKeyRef } from '../../model/secret-key-ref';
import { UserError } from '../../model/user-error';
import type { SecretEntry, SecretVault } from '../../secrets/vault';
import { ComponentChart } from '../core/component-chart';
import { EncryptedSecret } from './encrypted-secret';

/**
 * Pod annotations that roll a workload when a credential it reads at start was rotated: one
 * `astrago.io/rotation-<Secret>: <count>` per rotated reference; undefined before any rotation.
 */
export function rolloutAnnotations(...refs: readonly SecretKeyRef[]): Record<string, string> | undefined {
  const rotated = refs.filter((r) => r.rotation);
  return rotated.length > 0 ? Object.fromEntries(rotated.map((r) => [`astrago.io/rotation-${r.name}`, String(r.rotation)])) : undefined;
}

export interface CredentialRefOptions {
  /**
   * Key the consumer reads the value from.
   * @default SECRET_KEYS.value ('password')
   */
  readonly key?: string;
  /**
   * The consumer cannot be told another key (Harbor's `secretKey`): a customer-managed Secret
   * must use this key too, or synth refuses the customer file.
   * @default false
   */
  readonly fixedKey?: boolean;
  /**
   * A user name stored beside the value, for consumers that read both from one Secret.
   * @default - none
   */
  readonly username?: { readonly key: string; readonly value: string };
}

interface PlannedSecret {
  readonly namespace: string;
  readonly name: string;
  /** Tier and stage of the first consumer's chart: the Secret is applied no later than it. */
  readonly at: Pick<ComponentPlacement, 'tier' | 'stage'>;
  readonly entries: Record<string, SecretEntry>;
  readonly type?: string;
}

/** The type and only key of a Secret kubelet pulls images with. */
const DOCKER_CONFIG_SECRET = { type: 'kubernetes.io/dockerconfigjson', key: '.dockerconfigjson' } as const;

/**
 * The customer's credentials: consumers ask for a reference; once every tier is built,
 * `addSecrets` emits one encrypted Secret per credential and namespace, in the folder of the
 * first (earliest-tier) consumer so it is applied no later than its readers. Credentials the
 * customer declared existing get no Secret: references point at the customer's Secret.
 */
export class CredentialRegistry {
  private readonly planned = new Map<string, PlannedSecret>();

  constructor(private readonly config: CustomerConfig, private readonly vault: SecretVault) {}

  /**
   * The Secret and key holding `credential` in `namespace`, for a consumer in `scope`'s file: the
   * Secret is emitted in that file's folder or an earlier tier's (only the file of `scope` counts).
   */
  public ref(scope: Construct, credential: CredentialName, namespace: string,
    options: CredentialRefOptions = {}): SecretKeyRef & { usernameKey?: string } {
    const key = options.key ?? SECRET_KEYS.value;
    const existing = this.config.secrets.existing[credential];
    if (existing) {
      if (options.fixedKey && existing.key !== key) {
        throw new UserError(`${customerFile(this.config.name)}: secrets.existing.${credential}.key: expected "${key}" (the consumer reads only this key), found "${existing.key}"`);
      }
      return { name: existing.secretName, key: existing.key, usernameKey: options.username ? existing.usernameKey : undefined };
    }
    const planned = this.plan(scope, namespace, credential);
    planned.entries[key] = { credential };
    if (options.username) planned.entries[options.username.key] = { value: options.username.value };
    const rotation = this.rotation(credential);
    return { name: credential, key, usernameKey: options.username?.key, ...(rotation > 0 ? { rotation } : {}) };
  }

  /**
   * Times the credential's value was replaced (`secrets rotate`/`set`), 0 for a customer-managed
   * one: names each in-service change, and restarts the readers of a rotated value.
   */
  public rotation(credential: CredentialName): number {
    return this.config.secrets.existing[credential] ? 0 : this.vault.rotation(credential);
  }

  /**
   * The Secret `<credential>-previous` holding the value the last rotation replaced, for the Job
   * that changes it in the service; undefined when it was never rotated or the customer manages it.
   */
  public previousRef(scope: Construct, credential: CredentialName, namespace: string): SecretKeyRef | undefined {
    if (this.rotation(credential) === 0) return undefined;
    const name = previousSecretName(credential);
    this.plan(scope, namespace, name).entries[SECRET_KEYS.value] = { credential, previous: true };
    return { name, key: SECRET_KEYS.value };
  }

  /** The Secret `<namespace>/<name>`, planned in the stage of the first consumer that asks for it. */
  private plan(scope: Construct, namespace: string, name: string): PlannedSecret {
    const id = `${namespace}/${name}`;
    let planned = this.planned.get(id);
    if (!planned) {
      const { placement } = ComponentChart.of(scope);
      if (placement.kind !== 'component') throw new Error(`${scope.node.path}: expected a consumer of Secret ${id} in a component, found one in the ${placement.kind} chart`);
      planned = { namespace, name, at: { tier: placement.tier, stage: placement.stage }, entries: {} };
      this.planned.set(id, planned);
    }
    return planned;
  }

  /**
   * The name of the Secret a pod in `namespace` pulls images with, holding `credential` (a
   * Docker config JSON) as a `kubernetes.io/dockerconfigjson` Secret; the customer's own Secret
   * when declared existing. Undefined while the customer has no value for it: nothing is
   * emitted, and `validate` names the missing login.
   */
  public pullSecret(scope: Construct, credential: CredentialName, namespace: string): string | undefined {
    const existing = this.config.secrets.existing[credential];
    if (existing) return existing.secretName;
    if (!this.vault.holds(credential)) return undefined;
    const ref = this.ref(scope, credential, namespace, { key: DOCKER_CONFIG_SECRET.key });
    const planned = this.planned.get(`${namespace}/${credential}`);
    if (planned) this.planned.set(`${namespace}/${credential}`, { ...planned, type: DOCKER_CONFIG_SECRET.type });
    return ref.name;
  }

  /** Emits the planned Secrets, each as component `secret-<namespace>-<credential>` of its stage. */
  public addSecrets(app: Construct): void {
    for (const [, planned] of [...this.planned].sort(([a], [b]) => a.localeCompare(b))) {
      const { namespace, name, at, entries, type } = planned;
      const chart = new ComponentChart(app, { placement: { kind: 'component', ...at, component: `secret-${namespace}-${name}` } });
      new EncryptedSecret(chart, 'secret', { vault: this.vault, request: { name, namespace, entries, type } });
    }
  }
}

