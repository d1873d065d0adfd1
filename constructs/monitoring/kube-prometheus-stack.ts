import type { Construct } from 'constructs';
import { chartImage, CHARTS } from '../../catalog/charts';
import { SECRET_KEYS } from '../../catalog/credentials';
import { ALERT_WEBHOOK_URL } from '../../catalog/platform';
import type { PlatformUrls } from '../../config/urls';
import { PRUNE_DISABLED } from '../core/namespace';
import { PathIngress } from '../core/path-ingress';
import { rolloutAnnotations, type CredentialRegistry } from '../credentials/credential-registry';
import { ChartRelease, type ChartComponentProps } from '../flux/chart-release';

/** Where Grafana is served on the platform host. */
export const GRAFANA_PATH = '/grafana';
/** Grafana's Service (release `prometheus`, subchart `grafana`). */
const GRAFANA_SERVICE = { name: `${CHARTS.prometheus.releaseName}-grafana`, port: 80 };
/** The NodePorts of the old system, kept for customers who opt in. */
export const MONITORING_NODE_PORTS = { prometheus: 30090, alertmanager: 30903 } as const;

/**
 * The platform's receiver stores `internal_ip` with every alert and fails the whole request
 * (500) without it, but its GPU rules aggregate with avg(), which drops the label (contract
 * §6): their alerts get the node name in its place, so they are recorded instead of lost.
 */
export const PLATFORM_ALERT_RELABEL = {
  source_labels: ['app', 'internal_ip', 'nodeName'],
  separator: ';',
  regex: 'astrago;;(.+)',
  target_label: 'internal_ip',
  replacement: '$1',
  action: 'replace',
} as const;

export interface KubePrometheusStackProps extends ChartComponentProps {
  /** Credential registry: Grafana's admin user and password. */
  readonly credentials: CredentialRegistry;
  /** The customer's URLs: Grafana is served under `/grafana` of the platform host. */
  readonly urls: PlatformUrls;
  /** StorageClass of the Prometheus volume. */
  readonly storageClassName: string;
  /** How long Prometheus keeps samples (`monitoring.retention`). */
  readonly retention: string;
  /** Size of the Prometheus volume (`monitoring.storageSize`). */
  readonly storageSize: string;
  /** Expose Prometheus and Alertmanager on NodePorts 30090 / 30903, unauthenticated, instead of ClusterIP (`monitoring.nodePorts`). */
  readonly nodePorts: boolean;
}

/**
 * kube-prometheus-stack: Prometheus, Alertmanager, Grafana and the prometheus-operator CRDs
 * that every ServiceMonitor and PrometheusRule of later stages needs.
 */
export class KubePrometheusStack extends ChartRelease {
  constructor(scope: Construct, id: string, props: KubePrometheusStackProps) {
    const chart = CHARTS.prometheus;
    const grafanaAdmin = props.credentials.ref(scope, 'grafana-admin', chart.namespace, { username: { key: SECRET_KEYS.username, value: 'admin' } });
    const service = (nodePort: number) => (props.nodePorts ? { type: 'NodePort', nodePort } : { type: 'ClusterIP' });
    const tag = (block: string) => chartImage(chart, block).tag;

    super(scope, id, {
      chart,
      component: props,
      // Prometheus' volume lives here.
      holdsData: true,
      values: {
        alertmanager: {
          config: {
            global: { resolve_timeout: '5m' },
            route: {
              group_by: ['nodeName', 'ruleName'],
              group_wait: '30s',
              group_interval: '2m',
              repeat_interval: '1h',
              receiver: 'null',
              routes: [{ matchers: ['app="astrago"'], receiver: 'astrago' }],
            },
            receivers: [
              { name: 'null' },
              // The receiver ignores the status: a resolved notification would record the alert again.
              { name: 'astrago', webhook_configs: [{ url: ALERT_WEBHOOK_URL, send_resolved: false }] },
            ],
          },
          service: service(MONITORING_NODE_PORTS.alertmanager),
        },
        grafana: {
          image: { tag: tag('grafana.image') },
          admin: { existingSecret: grafanaAdmin.name, userKey: grafanaAdmin.usernameKey, passwordKey: grafanaAdmin.key },
          // Grafana creates its admin from the Secret at start (no volume): a rotation rolls it.
          podAnnotations: rolloutAnnotations(grafanaAdmin),
          'grafana.ini': { server: { root_url: `${props.urls.baseUrl}${GRAFANA_PATH}/`, serve_from_sub_path: true } },
        },
        'kube-state-metrics': { image: { tag: tag('kube-state-metrics.image') } },
        'prometheus-node-exporter': { image: { tag: tag('prometheus-node-exporter.image') } },
        prometheus: {
          service: service(MONITORING_NODE_PORTS.prometheus),
          prometheusSpec: {
            retention: props.retention,
            additionalAlertRelabelConfigs: [{ ...PLATFORM_ALERT_RELABEL, source_labels: [...PLATFORM_ALERT_RELABEL.source_labels] }],
            // Select every monitor and rule in the cluster, not only those labelled for this release:
            // the platform's and the GPU ones carry no release label.
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            probeSelectorNilUsesHelmValues: false,
            storageSpec: {
              volumeClaimTemplate: {
                metadata: { annotations: { ...PRUNE_DISABLED } },
                spec: {
                  storageClassName: props.storageClassName,
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: props.storageSize } },
                },
              },
            },
          },
        },
      },
    });

    // Grafana has its own login; Prometheus and Alertmanager have none, so they stay inside.
    new PathIngress(this, 'grafana-ingress', {
      name: 'grafana',
      namespace: chart.namespace,
      path: GRAFANA_PATH,
      serviceName: GRAFANA_SERVICE.name,
      servicePort: GRAFANA_SERVICE.port,
      urls: props.urls,
    });
  }
}
