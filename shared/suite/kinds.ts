// The probe kinds, one line each: every other list of kinds (config schema, warnings, the stack's runners and
// grants, the dashboard, the CLI's probes, the docs) is derived from these manifests (see `manifests.ts`).
export { canaryKind } from '../probes/canary/kind';
export { dnsKind } from '../probes/dns/kind';
export { dnsblKind } from '../probes/dnsbl/kind';
export { smtpKind } from '../probes/smtp/kind';
