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
  },
  stage: {
    monitoring: { retention: '30d', storageSize: '20Gi' },
  },
  prod: {},
};
