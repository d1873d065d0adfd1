/**
 * Synthetic customers for the benchmark: deterministic, and varied the way real ones are
 * (ip or domain mode, TLS, profiles, components switched off).
 */
const RECIPIENT = 'age1jhkke5tcdzkl0y0k6u47a6nd62ll4czlc2apmw5nwsyp8enpmahqxw972v';

/** The rollout rings of the synthetic fleet, in order; customer i is in ring i mod 3. */
export const RINGS = ['canary', 'early', 'stable'] as const;

/** rings.yaml of the synthetic fleet: every ring on `release`. */
export function syntheticRings(release: string): string {
  return `rings:\n${RINGS.map((r) => `  - name: ${r}\n    release: ${release}\n`).join('')}`;
}

export function syntheticCustomer(i: number): string {
  const octet = (n: number) => (n % 250) + 1;
  const address = `10.${octet(i >> 16)}.${octet(i >> 8)}.${octet(i)}`;
  const access = i % 2 === 0
    ? `externalAccess: {mode: ip, ip: {address: ${address}}}`
    : `externalAccess: {mode: domain, ip: {address: ${address}}, domain: {name: c${i}.example.com, tls: {enabled: true, issuer: letsencrypt-prod}}}`;
  const lines = [
    access,
    `nfs: {server: ${address}, basePath: /export/c${i}}`,
    `profile: ${['prod', 'stage', 'dev'][i % 3]}`,
    `ring: ${RINGS[i % RINGS.length]}`,
    // The platform images come from a private registry: the customer's own pull Secret, as in the samples.
    `secrets: {ageRecipients: [${RECIPIENT}], existing: {registry-login: {secretName: ghcr-login}}}`,
  ];
  const off = [i % 5 === 0 && 'harbor', i % 7 === 0 && 'gpuOperator'].filter(Boolean);
  if (off.length) lines.push(`components: {${off.map((c) => `${c}: {enabled: false}`).join(', ')}}`);
  return `${lines.join('\n')}\n`;
}

export function customerName(i: number): string {
  return `c${String(i).padStart(4, '0')}`;
}
