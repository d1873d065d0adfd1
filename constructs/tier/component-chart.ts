import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';

export interface ComponentChartProps {
  /**
   * Path of the file this chart is written to, relative to `dist/<customer>/`,
   * e.g. `infrastructure/controllers/gpu-operator.yaml`.
   */
  readonly file: string;
}

/**
 * A chart that becomes exactly one file of the customer's tree: one component per file,
 * its source, release and plain objects together.
 */
export class ComponentChart extends Chart {
  /** Path of the output file, relative to `dist/<customer>/`. */
  public readonly file: string;

  constructor(scope: Construct, id: string, props: ComponentChartProps) {
    // Object names are always explicit; hashes would turn a construct rename into a new object.
    super(scope, id, { disableResourceNameHashes: true });
    this.file = props.file;
  }

  /** Every Kubernetes object of the chart, however deeply nested in constructs. */
  public get objects(): ApiObject[] {
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  }

  /** All component charts of an app, in construction order. */
  public static all(scope: Construct): ComponentChart[] {
    // Not `instanceof`: cdk8s makes `x instanceof <any Chart class>` true for every Chart.
    return scope.node.findAll().filter((c): c is ComponentChart => Object.prototype.isPrototypeOf.call(ComponentChart.prototype, c));
  }
}
