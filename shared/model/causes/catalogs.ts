// The catalog sections: one line per probe kind (and the runner's own). `index.ts` merges them.
export { canaryCauses } from './canary';
export { dnsCauses } from './dns';
export { dnsblCauses } from './dnsbl';
export { probeCauses } from './probe';
export { smtpCauses } from './smtp';
