/** Shapes of names and keys that the customer file, the credential store and SOPS documents all accept. */

/** A DNS-1123 label: customer names, namespaces and most Kubernetes names. */
export const DNS1123_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** An age public key (X25519 recipient, bech32). */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;
