/**
 * Construct-level testing in the style of cdk8s-plus: one construct in `Testing.chart()`, its
 * synthesized objects read back through the generated classes' props (imports/ and cdk8s-plus's
 * `k8s`), so a test names fields the compiler knows.
 */
import { Testing, type ApiObject, type Chart, type GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';
import { customerSchema } from '../../config/schema';

/** A generated L1 class: its group/version/kind and the props its objects are written from. */
interface Kind<P> {
  readonly GVK: GroupVersionKind;
  new (scope: Construct, id: string, props: P): ApiObject;
}

/** Manifest fields every object has beside its props. */
type Manifest<P> = P & { readonly apiVersion: string; readonly kind: string };

/** Every object of one kind the chart synthesizes, typed as the props of its generated class. */
export function synthOf<P>(chart: Chart, kind: Kind<P>): Array<Manifest<P>> {
  return Testing.synth(chart).filter((o: { apiVersion: string; kind: string }) => o.apiVersion === kind.GVK.apiVersion && o.kind === kind.GVK.kind);
}

/** The one object of a kind the chart synthesizes; fails when there are none or several. */
export function oneOf<P>(chart: Chart, kind: Kind<P>): Manifest<P> {
  const found = synthOf(chart, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind.GVK.kind}, found ${found.length}`);
  return found[0];
}

/** Kinds and names of everything the chart synthesizes, in order: what a construct adds to a tree. */
export function inventory(chart: Chart): string[] {
  return Testing.synth(chart).map((o: { kind: string; metadata: { name: string; namespace?: string } }) =>
    `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
}

/** The object of a kind with this name; fails when the chart has none. */
export function named<P>(chart: Chart, kind: Kind<P>, name: string): Manifest<P> {
  const found = synthOf(chart, kind).find((o) => (o as { metadata?: { name?: string } }).metadata?.name === name);
  if (!found) throw new Error(`expected ${kind.GVK.kind} ${name}, found none`);
  return found;
}

/** A written object: what the per-tier tests read back from a customer's rendered files. */
type Rendered = { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string } };

/** Every rendered object of one kind, typed as the props of its generated class. */
export function renderedOf<T extends Rendered, P>(objects: readonly T[], kind: Kind<P>): Array<T & Manifest<P>> {
  return objects.filter((o): o is T & Manifest<P> => o.apiVersion === kind.GVK.apiVersion && o.kind === kind.GVK.kind);
}

/** The one rendered object of a kind with this name; fails when there are none or several. */
export function renderedNamed<T extends Rendered, P>(objects: readonly T[], kind: Kind<P>, name: string): T & Manifest<P> {
  const found = renderedOf(objects, kind).filter((o) => o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind.GVK.kind} ${name}, found ${found.length}`);
  return found[0];
}

/**
 * The built-in defaults of the customer file (the schema decides them; constructs take them as
 * required props), for a customer that sets only what the schema requires.
 */
export const SCHEMA_DEFAULTS = customerSchema.parse({ nfs: { server: 'nfs.lab.local' }, externalAccess: { ip: { address: '10.0.0.5' } } });
