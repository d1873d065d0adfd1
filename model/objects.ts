/**
 * The shapes every stage of the pipeline passes on: a Kubernetes object as synthesized, and a
 * file as written. A leaf module, so readers and writers of files never import each other.
 */

/** A file of the generated tree. */
export interface OutputFile {
  /** Path relative to the repository root, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

/** A synthesized Kubernetes object: what every object has, and the rest as JSON. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;
