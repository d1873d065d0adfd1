/**
 * Pod specs and pod templates wherever they sit: Deployments, StatefulSets, Jobs, CronJobs,
 * Pods and custom resources such as MPIJob. Found by shape (an object with `containers`), so
 * rules need no list of workload kinds.
 */
import { fieldsOf, type Fields } from '../../model/fields';

/** Found by shape: an object with a list of containers is read as a pod spec (defensively: its fields are unchecked). */
const isPodSpec = (o: Fields): o is Fields & PodSpec => Array.isArray(o.containers);

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly resources?: { requests?: Record<string, unknown> };
  readonly env?: Array<{ valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef } }>;
  readonly envFrom?: Array<{ configMapRef?: KeyRef; secretRef?: KeyRef }>;
}

export interface KeyRef {
  readonly name?: string;
  readonly optional?: boolean;
}

export interface PodSpec {
  readonly containers: Container[];
  readonly initContainers?: Container[];
  readonly imagePullSecrets?: Array<{ name?: string }>;
  readonly volumes?: Fields[];
}

export interface PodTemplate {
  /** Field path of the spec, e.g. `spec.template.spec`. */
  readonly path: string;
  readonly spec: PodSpec;
  readonly labels: Readonly<Record<string, string>>;
}

/** Every pod spec inside an object, with the labels its pods get. */
export function podTemplates(object: unknown): PodTemplate[] {
  const found: PodTemplate[] = [];
  const walk = (node: unknown, at: string, labels: Record<string, string>) => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => walk(n, `${at}[${i}]`, labels));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const o: Fields = node;
    if (isPodSpec(o)) {
      found.push({ path: at, spec: o, labels });
      return;
    }
    const own = fieldsOf(o.metadata).labels ?? labels;
    for (const [k, v] of Object.entries(o)) if (k !== 'metadata') walk(v, at ? `${at}.${k}` : k, k === 'spec' ? own : {});
  };
  walk(object, '', {});
  return found;
}

/** Containers and init containers of a pod spec with their field paths. */
export function containersOf(t: PodTemplate): Array<{ path: string; container: Container }> {
  return (['initContainers', 'containers'] as const).flatMap((field) =>
    (t.spec[field] ?? []).map((container, i) => ({ path: `${t.path}.${field}[${i}]`, container })));
}
