import { ApiObject, Chart } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import { placementId, type Placement } from '../../model/layout';

export interface ComponentChartProps {
  /**
   * Where the chart is written, e.g. `{ kind: 'component', tier: 'infrastructure', stage: 'controllers',
   * component: 'gpu-operator' }`; `model/layout.ts` turns it into the file and the construct id.
   */
  readonly placement: Placement;
}

/**
 * A chart that becomes exactly one file of the customer's tree: one component per file,
 * its source, release and plain objects together.
 */
export class ComponentChart extends Chart {
  /** Where the chart is written; readers use it instead of the file's path. */
  public readonly placement: Placement;

  /** No id parameter: the id follows from the placement, so a second chart for the same file is refused as a duplicate id. */
  constructor(scope: Construct, props: ComponentChartProps) {
    // Object names are always explicit; hashes would turn a construct rename into a new object.
    super(scope, placementId(props.placement), { disableResourceNameHashes: true });
    this.placement = props.placement;
  }

  /** Every Kubernetes object of the chart, however deeply nested in constructs. */
  public get objects(): ApiObject[] {
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  }

  /** All component charts of an app, in construction order. */
  public static all(scope: Construct): ComponentChart[] {
    return scope.node.findAll().filter((c): c is ComponentChart => c instanceof ComponentChart);
  }

  /** `instanceof` by prototype: the one ComponentChart inherits from Chart is true of every chart. */
  public static [Symbol.hasInstance](o: unknown): o is ComponentChart {
    return Function.prototype[Symbol.hasInstance].call(ComponentChart, o);
  }

  /** The component chart `c` is written in; an Error for a construct outside any. */
  public static of(c: IConstruct): ComponentChart {
    const chart: Chart = Chart.of(c);
    if (chart instanceof ComponentChart) return chart;
    throw new Error(`${c.node.path}: expected a construct inside a ComponentChart, found one in ${chart.node.path}`);
  }
}
