// The catalog sections: one line per probe kind (and the runner's own). `index.ts` merges them.
export { canaryCauses } from './canary';
export { dnsCauses } from './dns';
export { dnsblCauses } from './dnsbl';
export { probeCauses } from './probe';
// Mailbox providers' published rejection texts, read by the smtp and canary probes alike.
export { providerCauses } from './provider';
export { smtpCauses } from './smtp';
