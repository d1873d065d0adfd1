import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MPIJOB_API } from '../../catalog/mpi-operator';
import { PRUNE_DISABLED } from '../core/namespace';

/** Name of the CRD: `<plural>.<group>`, the identity Kubernetes requires of it. */
export const MPIJOB_CRD_NAME = `${MPIJOB_API.plural}.${MPIJOB_API.group}`;

/** A structural object whose fields the API server keeps as sent. */
const preserved = { type: 'object', xKubernetesPreserveUnknownFields: true } as const;

/**
 * The MPIJob CRD, after the one in kubeflow/mpi-operator `deploy/v2beta1/mpi-operator.yaml`
 * (MPI_OPERATOR_RELEASE, catalog/mpi-operator.ts): `kubeflow.org/v2beta1` served and stored, the status subresource
 * the controller writes through, namespaced. Its schema is ours and deliberately shallow:
 * `spec` and `status` keep whatever fields they are given. Upstream's generated schema is
 * 8,000 lines of inlined PodTemplateSpec; the controller defaults and validates every MPIJob
 * itself before acting (`scheme.Default` and `validation.ValidateMPIJob` in its
 * mpi_job_controller.go), so the only loss is earlier rejection of a malformed MPIJob by the
 * API server: the controller reports it as a failed job instead.
 *
 * No other version is served: the chart's CRD also served v1alpha2 and v1 but stored v2beta1,
 * so every stored MPIJob reads the same here. Never pruned: deleting the CRD deletes every MPIJob.
 */
export class MpiJobCrd extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new k8s.KubeCustomResourceDefinition(this, 'Resource', {
      metadata: { name: MPIJOB_CRD_NAME, annotations: { ...PRUNE_DISABLED } },
      spec: {
        group: MPIJOB_API.group,
        scope: 'Namespaced',
        names: { kind: MPIJOB_API.kind, listKind: `${MPIJOB_API.kind}List`, plural: MPIJOB_API.plural, singular: MPIJOB_API.kind.toLowerCase() },
        versions: [{
          name: MPIJOB_API.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openApiv3Schema: { type: 'object', properties: { spec: preserved, status: preserved } } },
        }],
      },
    });
  }
}
