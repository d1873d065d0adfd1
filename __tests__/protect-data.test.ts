import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { protectData } from '../constructs/core/protect-data';
import { type Fields } from '../model/fields';

describe('data protection', () => {
  test('claims and the namespaces holding them or claim templates are never pruned; others are', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    for (const name of ['db', 'stateful', 'stateless']) new k8s.KubeNamespace(chart, name, { metadata: { name } });
    new k8s.KubePersistentVolumeClaim(chart, 'pvc', { metadata: { name: 'data', namespace: 'db' }, spec: {} });
    new k8s.KubeStatefulSet(chart, 'sts', {
      metadata: { name: 'mariadb', namespace: 'stateful' },
      spec: { serviceName: 'm', selector: {}, template: {}, volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
    });
    new k8s.KubeDeployment(chart, 'deploy', { metadata: { name: 'web', namespace: 'stateless' }, spec: { selector: {}, template: {} } });
    protectData(app);
    const prune = Object.fromEntries(chart.toJson().map((o: Fields) => [`${o.kind}/${o.metadata.name}`, o.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune']]));
    expect(prune).toEqual({
      'Namespace/db': 'disabled',
      'Namespace/stateful': 'disabled',
      'Namespace/stateless': undefined,
      'PersistentVolumeClaim/data': 'disabled',
      'StatefulSet/mariadb': undefined,
      'Deployment/web': undefined,
    });
  });
});
