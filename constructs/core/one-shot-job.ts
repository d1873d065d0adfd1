import { createHash } from 'node:crypto';
import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { SecretKeyRef } from '../../model/secret-key-ref';

export interface OneShotJobProps {
  /** Name prefix: the Job is `<name>-<generation>-<hash of its spec>`. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the Job and its pod. */
  readonly labels: Record<string, string>;
  /** Image with bash and the client the script calls. */
  readonly image: string;
  /** @default IfNotPresent */
  readonly pullPolicy?: kplus.ImagePullPolicy;
  /** Existing Secrets to pull the image with. @default - none */
  readonly imagePullSecrets?: readonly string[];
  /** User and group the container runs as (the image's own, non-root). */
  readonly uid: number;
  /** The bash script: not secret, it is part of the object. */
  readonly script: string;
  /** Plain environment values. */
  readonly env: Readonly<Record<string, string>>;
  /** Environment read from Secrets: the only way a value reaches the script. */
  readonly secretEnv: Readonly<Record<string, SecretKeyRef>>;
  /**
   * Generation of what the Job applies (a rotation count): a new one is a new Job, which runs again.
   */
  readonly generation: number;
}

/**
 * A Job that runs a bash script once to completion. A Job's pod template is immutable and a
 * finished Job never runs again, so its name carries `generation` and a hash of everything in its
 * spec (nothing secret): a new generation or any change of the spec is a new Job, and Flux prunes
 * the old one. Retries with Kubernetes' growing back-off (up to 6 minutes apart) while the server
 * it talks to is not up yet.
 */
export class OneShotJob extends Construct {
  public readonly job: kplus.Job;

  constructor(scope: Construct, id: string, props: OneShotJobProps) {
    super(scope, id);
    const { labels, uid } = props;
    const env: Record<string, kplus.EnvValue> = {
      ...Object.fromEntries(Object.entries(props.env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
      ...Object.fromEntries(Object.entries(props.secretEnv).map(([k, ref]) => [k, kplus.EnvValue.fromSecretValue({
        secret: kplus.Secret.fromSecretName(this, `secret-${k}`, ref.name), key: ref.key,
      })])),
    };
    const pullPolicy = props.pullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT;
    const spec = JSON.stringify({ script: props.script, image: props.image, pullPolicy, uid, env: props.env, secretEnv: props.secretEnv });
    const hash = createHash('sha256').update(spec).digest('hex').slice(0, 10);
    this.job = new kplus.Job(this, 'job', {
      metadata: { name: `${props.name}-${props.generation}-${hash}`, namespace: props.namespace, labels },
      podMetadata: { labels },
      backoffLimit: 10,
      restartPolicy: kplus.RestartPolicy.NEVER,
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: uid, group: uid },
    });
    // A Job's selector is Kubernetes' own: only the path-hashed label cdk8s-plus adds is removed.
    const object = ApiObject.of(this.job);
    object.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    if (props.imagePullSecrets?.length) {
      object.addJsonPatch(JsonPatch.add('/spec/template/spec/imagePullSecrets', props.imagePullSecrets.map((name) => ({ name }))));
    }
    const container = this.job.addContainer({
      name: 'run',
      image: props.image,
      imagePullPolicy: pullPolicy,
      command: ['bash', '-c', props.script],
      envVariables: env,
      resources: {
        cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
      },
      securityContext: {
        ensureNonRoot: true, user: uid, group: uid, readOnlyRootFilesystem: true,
        privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: [kplus.Capability.ALL] },
      },
    });
    // Bash may keep `<<<` strings in temporary files: a writable /tmp (no value goes there).
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp'));
  }
}
