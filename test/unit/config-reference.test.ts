import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference } from '../../cli/config-reference';

describe('docs/config-reference.md', () => {
  it('is the reference generated from the current schema (regenerate: mailprobe schema --reference)', () => {
    const file = readFileSync(join(__dirname, '../../docs/config-reference.md'), 'utf8');
    expect(file).toBe(configReference());
  });

  it('lists every field of the schema, nested ones and each variant of a union included', () => {
    const text = configReference();
    for (const path of [
      '`name`',
      '`targets.smtp[].envelope.to`',
      '`targets.smtp[].relayTest`',
      '`targets.mailboxes[].arrival (via: imap)`',
      '`probes[] (kind: canary).options.send (via: smtp).dkim`',
      '`probes[] (kind: dnsbl).options.customZones`',
      '`deploy.sesInbound.activateRuleSet`',
    ])
      expect(text).toContain(`| ${path} |`);
  });
});
