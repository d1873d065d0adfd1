/**
 * The shapes every stage of the pipeline passes on: a Kubernetes object as synthesized, and a
 * file as written. It imports only the layout's types, so readers and writers of files never import each other.
 */
import type { Placement } from './layout';

/** A file of the generated tree. */
export interface OutputFile {
  /** Path relative to the repository root, `/`-separated. */
  readonly path: string;
  readonly content: string;
  /**
   * Where the chart of the file's objects is placed, for a file rendered from one.
   * @default - none: a kustomization.yaml, a README, an air-gap list, or a file read from disk
   */
  readonly placement?: Placement;
}

/** A synthesized Kubernetes object: what every object has, and the rest as JSON. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;
