/**
 * Telling a certificate the loader does not trust apart from a network failure: such a run can
 * never succeed, so it is reported as what it is (with the way out), not counted as errors.
 */

/** OpenSSL's verification codes as Node reports them (error.code), and Node's own name check. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** "the workload's certificate is not trusted: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)", or undefined. */
export function certificateProblem(error: unknown): string | undefined {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code !== 'string' || !UNTRUSTED.has(e.code)) return undefined;
  // Node's own hint (use the system's CAs) is the wrong way out here: the run's CA is not in them.
  const reason = String(e.message).replace(/; if the root CA is installed locally.*$/, '');
  return `the workload's TLS certificate is not trusted by the loader: ${reason} (${e.code})`;
}

/** How to get out of it, for the error that names the problem. */
export const UNTRUSTED_FIX = 'the loader trusts only the CA that the run generated for the workload (and checks the name in its certificate): a workload serving another certificate, or something in between that re-signs TLS, fails this check';

/** Thrown where a TLS workload's certificate failed the loader's verification. */
export class UntrustedCertificateError extends Error {
  override readonly name = 'UntrustedCertificateError';
}
