/**
 * Names and ports of the Astrago platform's own services, shared by the tiers that call
 * them (Alertmanager → core, frontend → backends, Ingress → everything).
 */
export const PLATFORM_NAMESPACE = 'astrago';

export const PLATFORM_SERVICES = {
  core: { name: 'astrago-backend-core', port: 8080 },
  batch: { name: 'astrago-backend-batch', port: 8080 },
  monitor: { name: 'astrago-backend-monitor', port: 8080 },
  frontend: { name: 'astrago-frontend', port: 3000 },
  mariadb: { name: 'astrago-mariadb', port: 3306 },
} as const;

/** The platform's database on the MariaDB service. */
export const PLATFORM_DATABASE = 'astrago';

/** Name of the ServiceAccount the backends run as. */
export const PLATFORM_SERVICE_ACCOUNT = 'astrago-sa';

/** Shared volume of workload logs, written by core and batch. */
export const WORKLOAD_LOG_CLAIM = 'workload-log-pvc';

/** In-cluster URL of a platform HTTP service. */
export function serviceUrl(service: Exclude<keyof typeof PLATFORM_SERVICES, 'mariadb'>): string {
  const { name, port } = PLATFORM_SERVICES[service];
  return `http://${name}.${PLATFORM_NAMESPACE}.svc:${port}`;
}

/** Where Alertmanager posts alerts labelled app="astrago". */
export const ALERT_WEBHOOK_URL = `${serviceUrl('core')}/api/v1/core/alertManager/receive`;

/** The Prometheus the backends query (release `prometheus` of kube-prometheus-stack). */
export const PROMETHEUS_URL = 'http://prometheus-kube-prometheus-prometheus.prometheus.svc.cluster.local:9090';
