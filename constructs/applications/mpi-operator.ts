import type { Construct } from 'constructs';
import { CHARTS, MPI_KUBECTL_DELIVERY_IMAGE, MPI_OPERATOR_IMAGE } from '../../catalog/charts';
import { ChartRelease, type ChartComponentProps } from '../flux/chart-release';

export type MpiOperatorProps = ChartComponentProps;

/** `registry/path:tag` → the chart's `repository` and `tag`. */
function splitImage(image: string): { repository: string; tag: string } {
  const at = image.lastIndexOf(':');
  return { repository: image.slice(0, at), tag: image.slice(at + 1) };
}

/**
 * The MPI operator (cowboysysop chart): runs the platform's distributed training jobs and
 * installs the MPIJob CRD. Both images are written from the catalog, so the chart's
 * `kubectl-delivery:latest` default never reaches a cluster.
 */
export class MpiOperator extends ChartRelease {
  constructor(scope: Construct, id: string, props: MpiOperatorProps) {
    super(scope, id, {
      chart: CHARTS.mpiOperator,
      component: props,
      values: {
        image: { ...splitImage(MPI_OPERATOR_IMAGE), pullPolicy: 'IfNotPresent' },
        kubectlDeliveryImage: MPI_KUBECTL_DELIVERY_IMAGE,
        // Requests come from the customer file (resources.mpiOperator.operator).
        resources: { limits: { memory: '256Mi' } },
      },
    });
  }
}
