/**
 * Profiles: a named layer between the built-in defaults and the customer file.
 * `prod` is the built-in defaults as they are; the others scale the platform down.
 */
import type { PROFILES } from './schema';

export type Profile = (typeof PROFILES)[number];

export const PROFILE_VALUES: Record<Profile, object> = {
  dev: {
    astrago: { components: { core: { replicas: 1 } } },
    monitoring: { retention: '7d', storageSize: '10Gi' },
    components: { harbor: { enabled: false } },
    resources: {
      prometheus: { prometheus: { cpu: '200m', memory: '512Mi' }, grafana: { cpu: '50m', memory: '128Mi' } },
      keycloak: { keycloak: { cpu: '100m', memory: '512Mi' } },
    },
  },
  stage: {
    monitoring: { retention: '30d', storageSize: '20Gi' },
    resources: { prometheus: { prometheus: { cpu: '250m', memory: '1Gi' } } },
  },
  prod: {},
};
