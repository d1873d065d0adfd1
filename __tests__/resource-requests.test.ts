/** Resource requests of chart workloads: set through the charts' values, sized by profile, overridable per customer. */
import { type Fields } from '../model/fields';
import { configFrom, findObject, MINIMAL, objectsOf, render } from './helpers';

type Values = Fields;

async function releaseValues(yaml: string, release: string): Promise<Values> {
  const objects = objectsOf(await render(configFrom(yaml)));
  return (findObject(objects, 'HelmRelease', release).spec as { values: Values }).values;
}

test('resources.<chart>.<workload> has the catalog\'s default sizes, and its type knows only the catalog\'s workloads', () => {
  const { resources } = configFrom(MINIMAL);
  expect(resources.prometheus.grafana).toEqual({ cpu: '100m', memory: '256Mi' });
  // @ts-expect-error: the catalog sizes no Harbor workload of this name (npm test type-checks this file)
  expect(resources.harbor.grafana).toBeUndefined();
});

test('the prod sizes reach every values path of a workload', async () => {
  const values = await releaseValues(MINIMAL, 'harbor');
  expect(values.registry.registry.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' } });
  expect(values.registry.controller.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' } });
  expect(values.database.internal.initContainer).toEqual({
    migrator: { resources: { requests: { cpu: '10m', memory: '32Mi' } } },
    permissions: { resources: { requests: { cpu: '10m', memory: '32Mi' } } },
  });
});

test('the dev profile makes Prometheus smaller; the customer file wins over the profile', async () => {
  expect((await releaseValues(`${MINIMAL}profile: dev\n`, 'prometheus')).prometheus.prometheusSpec.resources).toEqual({ requests: { cpu: '200m', memory: '512Mi' } });
  const custom = await releaseValues(`${MINIMAL}profile: dev\nresources: {prometheus: {prometheus: {memory: 6Gi}, grafana: {cpu: '1'}}}\n`, 'prometheus');
  expect(custom.prometheus.prometheusSpec.resources.requests).toEqual({ cpu: '200m', memory: '6Gi' });
  expect(custom.grafana.resources.requests).toEqual({ cpu: '1', memory: '128Mi' });
});

test('a size that is not a quantity is one clear error with its key path', () => {
  expect(() => configFrom(`${MINIMAL}resources: {keycloak: {keycloak: {memory: lots}}}\n`)).toThrow(/resources.*keycloak.*keycloak.*memory.*a memory quantity such as 256Mi/s);
});
