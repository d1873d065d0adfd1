import type { Construct } from 'constructs';
import { chartImage, CHARTS, MPI_KUBECTL_DELIVERY_IMAGE } from '../../catalog/charts';
import { ChartRelease, type ChartComponentProps } from '../flux/chart-release';

export type MpiOperatorProps = ChartComponentProps;

/**
 * The MPI operator (cowboysysop chart): runs the platform's distributed training jobs and
 * installs the MPIJob CRD. Both images are written from the catalog, so the chart's
 * `kubectl-delivery:latest` default never reaches a cluster.
 */
export class MpiOperator extends ChartRelease {
  constructor(scope: Construct, id: string, props: MpiOperatorProps) {
    const operator = chartImage(CHARTS.mpiOperator, 'image');
    super(scope, id, {
      chart: CHARTS.mpiOperator,
      component: props,
      values: {
        image: { repository: `${operator.registry}/${operator.path}`, tag: operator.tag, pullPolicy: 'IfNotPresent' },
        kubectlDeliveryImage: MPI_KUBECTL_DELIVERY_IMAGE,
        // Requests come from the customer file (resources.mpiOperator.operator).
        resources: { limits: { memory: '256Mi' } },
      },
    });
  }
}
