import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { chartImage, CHARTS } from '../../catalog/charts';
import { ALERT_WEBHOOK_URL } from '../../catalog/platform';
import type { CustomerConfig } from '../../config/schema';
import { platformUrls } from '../../config/urls';
import { ComponentChart } from '../../constructs/core/component-chart';
import { CredentialRegistry } from '../../constructs/credentials/credential-registry';
import { KubePrometheusStack, type KubePrometheusStackProps } from '../../constructs/monitoring/kube-prometheus-stack';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { Stage } from '../../model/layout';
import { configFrom, MINIMAL, SAMPLE_RECIPIENT } from '../helpers';
import { RecordingVault } from './recording-vault';
import { named, oneOf } from './synth';

const DOMAIN = `externalAccess: {mode: domain, domain: {name: demo.astrago.ai, tls: {enabled: true, secretName: astrago-tls}}}\nnfs: {server: 10.0.0.6}\n`;
const GRAFANA_EXISTING = `secrets: {ageRecipients: [${SAMPLE_RECIPIENT}], existing: {grafana-admin: {secretName: my-grafana, key: pw, usernameKey: user}}}\n`;

const stack = (props: Partial<KubePrometheusStackProps> = {}, config: CustomerConfig = configFrom(`${DOMAIN}${GRAFANA_EXISTING}`), rotation = 0) => {
  const app = Testing.app();
  const chart = new ComponentChart(app, { placement: { kind: 'component', tier: 'monitoring', stage: Stage.CONTROLLERS, component: 'kube-prometheus-stack' } });
  new KubePrometheusStack(chart, 'kube-prometheus-stack', {
    credentials: new CredentialRegistry(config, new RecordingVault([], { 'grafana-admin': rotation })),
    urls: platformUrls(config),
    storageClassName: 'astrago-nfs-csi',
    retention: '1y',
    storageSize: '50Gi',
    nodePorts: false,
    ...props,
  });
  return chart;
};
const values = (chart: ComponentChart) => oneOf(chart, HelmRelease).spec?.values;

describe('KubePrometheusStack', () => {
  test('the catalog\'s chart in namespace prometheus, kept from pruning because Prometheus\' volume lives there', () => {
    const chart = stack();
    expect(oneOf(chart, HelmRelease).metadata).toEqual({ name: 'prometheus', namespace: 'prometheus' });
    expect(oneOf(chart, HelmRelease).spec?.chart?.spec.chart).toBe(`./vendor/charts/kube-prometheus-stack-${CHARTS.prometheus.version}.tgz`);
    expect(named(chart, k8s.KubeNamespace, 'prometheus').metadata?.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test('Prometheus keeps samples as long as the customer asks, on a volume of the given class and size that Flux never prunes', () => {
    const spec = values(stack({ retention: '90d', storageClassName: 'lab-nfs', storageSize: '200Gi' })).prometheus.prometheusSpec;
    expect(spec.retention).toBe('90d');
    expect(spec.storageSpec.volumeClaimTemplate).toEqual({
      metadata: { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } },
      spec: { storageClassName: 'lab-nfs', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '200Gi' } } },
    });
  });

  test('Prometheus selects every ServiceMonitor, PodMonitor, rule and probe: the GPU and platform ones carry no release label', () => {
    const spec = values(stack()).prometheus.prometheusSpec;
    for (const kind of ['serviceMonitor', 'podMonitor', 'rule', 'probe']) expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
  });

  test('no extra scrape job: the GPU ServiceMonitor replaced the old system\'s 1s one', () => {
    expect(values(stack()).prometheus.prometheusSpec).not.toHaveProperty('additionalScrapeConfigs');
  });

  test('Alertmanager\'s configuration is ours: app="astrago" alerts go to the platform\'s webhook, without resolved notices; the rest is dropped', () => {
    const config = values(stack()).alertmanager.config;
    expect(config.route).toEqual({
      group_by: ['nodeName', 'ruleName'], group_wait: '30s', group_interval: '2m', repeat_interval: '1h',
      receiver: 'null', routes: [{ matchers: ['app="astrago"'], receiver: 'astrago' }],
    });
    expect(config.receivers).toEqual([{ name: 'null' }, { name: 'astrago', webhook_configs: [{ url: ALERT_WEBHOOK_URL, send_resolved: false }] }]);
    expect(ALERT_WEBHOOK_URL).toMatch(/\/api\/v1\/core\/alertManager\/receive$/);
  });

  test('an astrago alert without internal_ip gets its node name there, or the platform\'s receiver refuses it', () => {
    expect(values(stack()).prometheus.prometheusSpec.additionalAlertRelabelConfigs).toEqual([{
      source_labels: ['app', 'internal_ip', 'nodeName'], separator: ';', regex: 'astrago;;(.+)', target_label: 'internal_ip', replacement: '$1', action: 'replace',
    }]);
  });

  test('Prometheus and Alertmanager stay inside the cluster unless the customer opts in to NodePorts 30090 and 30903', () => {
    const closed = values(stack());
    expect([closed.prometheus.service, closed.alertmanager.service]).toEqual([{ type: 'ClusterIP' }, { type: 'ClusterIP' }]);
    const open = values(stack({ nodePorts: true }));
    expect([open.prometheus.service, open.alertmanager.service]).toEqual([{ type: 'NodePort', nodePort: 30090 }, { type: 'NodePort', nodePort: 30903 }]);
  });

  test('Grafana is served under /grafana of the platform host, by an Ingress to its Service', () => {
    const chart = stack();
    expect(values(chart).grafana['grafana.ini'].server).toEqual({ root_url: 'https://demo.astrago.ai/grafana/', serve_from_sub_path: true });
    const ingress = named(chart, k8s.KubeIngress, 'grafana');
    expect(ingress.metadata?.namespace).toBe('prometheus');
    expect(ingress.spec?.rules).toEqual([{
      host: 'demo.astrago.ai',
      http: { paths: [{ path: '/grafana', pathType: 'Prefix', backend: { service: { name: 'prometheus-grafana', port: { number: 80 } } } }] },
    }]);
  });

  test('Grafana\'s admin comes from the customer\'s Secret when it manages one, with its keys; no password in the values', () => {
    const grafana = values(stack()).grafana;
    expect(grafana.admin).toEqual({ existingSecret: 'my-grafana', userKey: 'user', passwordKey: 'pw' });
    expect(grafana).not.toHaveProperty('adminPassword');
  });

  test('a generated admin password is read from the Secret grafana-admin; once rotated, Grafana is rolled to pick it up', () => {
    const generated = (rotation: number) => values(stack({}, configFrom(MINIMAL), rotation)).grafana;
    expect(generated(0).admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'username', passwordKey: 'password' });
    expect(generated(0).podAnnotations).toBeUndefined();
    expect(generated(2).podAnnotations).toEqual({ 'astrago.io/rotation-grafana-admin': '2' });
  });

  test('Grafana, kube-state-metrics and node-exporter run the image tags of the catalog, which an air-gapped customer mirrors', () => {
    const v = values(stack());
    const tag = (block: string) => chartImage(CHARTS.prometheus, block).tag;
    expect(v.grafana.image).toEqual({ tag: tag('grafana.image') });
    expect(v['kube-state-metrics'].image).toEqual({ tag: tag('kube-state-metrics.image') });
    expect(v['prometheus-node-exporter'].image).toEqual({ tag: tag('prometheus-node-exporter.image') });
  });
});
