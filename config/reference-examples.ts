/**
 * Examples for the configuration reference (docs/configuration.md) where the schema itself has
 * none worth showing: keys without a default, or whose default is an empty list or map.
 * Every other key is shown with its default. A test checks that each entry names a key of the
 * schema and is a value that key accepts, and the generator fails on a key it cannot show.
 */
import { CHARTS } from '../catalog/charts';

/**
 * Maps whose keys the user chooses (`z.record`): the placeholder the reference writes for the
 * key, and the key its examples use.
 */
export const MAP_KEY_EXAMPLES: Readonly<Record<string, { readonly placeholder: string; readonly example: string }>> = {
  'secrets.existing': { placeholder: 'credential', example: 'grafana-admin' },
};

/** Example values by key path (`<placeholder>` for a user-chosen map key, as the reference writes it). */
export const VALUE_EXAMPLES: Readonly<Record<string, unknown>> = {
  ring: 'canary',
  release: '2026.12.0',
  'externalAccess.url': 'https://demo.astrago.ai:8443',
  'externalAccess.ip.address': '10.61.3.163',
  'externalAccess.domain.name': 'demo.astrago.ai',
  'externalAccess.domain.tls.issuer': 'letsencrypt-prod',
  'externalAccess.domain.tls.secretName': 'astrago-tls-cert',
  'externalAccess.domain.tls.caSecret': 'astrago-ca',
  'ingress.sideBySide.address': '10.61.3.164',
  'nfs.server': '10.61.3.2',
  'astrago.keycloak.baseUrl': 'https://sso.example.com',
  'astrago.components.core.registry': 'registry.example.com/astrago',
  'astrago.components.core.repository': 'xiilab/astrago-backend',
  'astrago.components.batch.registry': 'registry.example.com/astrago',
  'astrago.components.batch.repository': 'xiilab/astrago-backend',
  'astrago.components.monitor.registry': 'registry.example.com/astrago',
  'astrago.components.monitor.repository': 'xiilab/astrago-backend',
  'astrago.components.frontend.registry': 'registry.example.com/astrago',
  'astrago.global.imagePullSecrets': ['ghcr-secret'],
  'harbor.host': 'registry.demo.astrago.ai',
  'offline.registry': 'harbor.local:443/astrago',
  'offline.git': 'ssh://git@git.example.local/platform/astrago-gitops.git',
  'offline.caSecret': 'mirror-ca',
  // The pinned version of each chart is the natural example of overriding it.
  ...Object.fromEntries(Object.entries(CHARTS).map(([component, chart]) => [`components.${component}.version`, chart.version])),
  'secrets.ageRecipients': ['age1jhkke5tcdzkl0y0k6u47a6nd62ll4czlc2apmw5nwsyp8enpmahqxw972v'],
  'secrets.existing.<credential>.secretName': 'grafana-admin',
};
