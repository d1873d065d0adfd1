/**
 * The ingress-nginx annotations and Traefik's Kubernetes Ingress NGINX provider: which ones the
 * provider reads, and what replaces those it does not read but our Ingresses carry. The
 * `ingress/traefik-annotation` rule of validate holds every Ingress (ours, in charts' values, and
 * those written by hand) of a customer served by Traefik to this list.
 */

/** Prefix of every ingress-nginx annotation. */
export const NGINX_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';

/**
 * Annotations (without the prefix) the provider of Traefik v3.7 reads: the `annotation` tags of
 * `ingressConfig` in traefik/traefik pkg/provider/kubernetes/ingress-nginx/annotations.go (branch
 * v3.7 at v3.7.9, unchanged on master), documented in "Traefik & Ingresses with NGINX Annotations" (doc.traefik.io, v3.7).
 * Limitations per annotation are listed there; those of ours are in docs/ingress-traefik.md.
 */
export const TRAEFIK_NGINX_ANNOTATIONS: ReadonlySet<string> = new Set([
  'affinity', 'affinity-canary-behavior', 'allowlist-source-range', 'app-root', 'auth-method', 'auth-realm',
  'auth-response-headers', 'auth-secret', 'auth-secret-type', 'auth-signin', 'auth-snippet',
  'auth-tls-pass-certificate-to-upstream', 'auth-tls-secret', 'auth-tls-verify-client', 'auth-type', 'auth-url',
  'backend-protocol', 'canary', 'canary-by-cookie', 'canary-by-header', 'canary-by-header-pattern',
  'canary-by-header-value', 'canary-weight', 'canary-weight-total', 'client-body-buffer-size',
  'configuration-snippet', 'cors-allow-credentials', 'cors-allow-headers', 'cors-allow-methods', 'cors-allow-origin',
  'cors-expose-headers', 'cors-max-age', 'custom-headers', 'custom-http-errors', 'default-backend',
  'enable-access-log', 'enable-cors', 'enable-global-auth', 'enable-modsecurity', 'enable-owasp-core-rules',
  'force-ssl-redirect', 'from-to-www-redirect', 'limit-burst-multiplier', 'limit-connections', 'limit-rpm',
  'limit-rps', 'modsecurity-snippet', 'modsecurity-transaction-id', 'permanent-redirect', 'permanent-redirect-code',
  'proxy-body-size', 'proxy-buffer-size', 'proxy-buffering', 'proxy-buffers-number', 'proxy-connect-timeout',
  'proxy-http-version', 'proxy-max-temp-file-size', 'proxy-next-upstream', 'proxy-next-upstream-timeout',
  'proxy-next-upstream-tries', 'proxy-read-timeout', 'proxy-request-buffering', 'proxy-send-timeout',
  'proxy-ssl-name', 'proxy-ssl-secret', 'proxy-ssl-server-name', 'proxy-ssl-verify', 'rewrite-target',
  'server-alias', 'server-snippet', 'service-upstream', 'session-cookie-domain', 'session-cookie-expires',
  'session-cookie-max-age', 'session-cookie-name', 'session-cookie-path', 'session-cookie-samesite',
  'session-cookie-secure', 'ssl-passthrough', 'ssl-redirect', 'temporal-redirect', 'temporal-redirect-code',
  'upstream-hash-by', 'upstream-vhost', 'use-regex', 'whitelist-source-range', 'x-forwarded-prefix',
]);

/**
 * ingress-nginx annotations the provider ignores that our Ingresses (or the old system's) carry,
 * each with what serves the same purpose under Traefik.
 */
export const REPLACED_NGINX_ANNOTATIONS: Readonly<Record<string, string>> = {
  'proxy-busy-buffers-size': 'nothing: it bounds buffered responses, and response buffering is off by default in ingress-nginx and Traefik alike (the provider reads proxy-buffering, proxy-buffer-size and proxy-buffers-number)',
  'client-header-buffer-size': 'the entry points\' http.maxHeaderBytes, 1 MiB (ingress-nginx reads it only from its ConfigMap, so our Ingresses never carry it)',
};

/** What an annotation becomes under Traefik: `read`, `replaced` (with the replacement) or `ignored`. */
export function traefikSupport(annotation: string): { readonly status: 'read' | 'replaced' | 'ignored'; readonly replacement?: string } {
  const name = annotation.slice(NGINX_ANNOTATION_PREFIX.length);
  if (TRAEFIK_NGINX_ANNOTATIONS.has(name)) return { status: 'read' };
  const replacement = REPLACED_NGINX_ANNOTATIONS[name];
  return replacement ? { status: 'replaced', replacement } : { status: 'ignored' };
}
