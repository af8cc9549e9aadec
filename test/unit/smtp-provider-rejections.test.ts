/** Provider rejection texts as the providers publish them (see the `source` of each provider.* cause). */
import { causes } from '../../shared/model/causes/index';
import { providerRejection } from '../../shared/probes/smtp/provider-rejections';

describe('providerRejection', () => {
  it.each([
    [
      421,
      '4.7.27',
      "Your email has been rate limited because SPF authentication didn't pass for this message. Gmail requires all bulk email senders to authenticate with SPF. - gsmtp",
      'provider.gmail.spf',
    ],
    [
      550,
      '5.7.26',
      "Unauthenticated email from example.com is not accepted due to domain's DMARC policy. Please contact the administrator of example.com domain. - gsmtp",
      'provider.gmail.unauthenticated',
    ],
    [
      550,
      '5.7.25',
      'The IP address sending this message does not have a PTR record setup. - gsmtp',
      'provider.gmail.ptr',
    ],
    [
      550,
      '5.7.32',
      'The From: header is not aligned with either the authenticated SPF or DKIM organizational domain. - gsmtp',
      'provider.gmail.alignment',
    ],
    [
      550,
      '5.7.1',
      'Our system has detected that this message is likely unsolicited mail. - gsmtp',
      'provider.gmail.unsolicited',
    ],
    [
      550,
      '5.7.515',
      'Access denied, sending domain example.com does not meet the required authentication level.',
      'provider.microsoft.auth-required',
    ],
    [550, '5.7.606', 'Access denied, banned sending IP [192.0.2.1].', 'provider.microsoft.banned-ip'],
    [
      421,
      '4.7.0',
      '[TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
      'provider.yahoo.deferred',
    ],
    [
      553,
      '5.7.1',
      "[BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list; see https://postmaster.yahooinc.com/error-codes",
      'provider.yahoo.blocked-ip',
    ],
  ])('names %d %s as its provider cause', (code, enhanced, text, cause) => {
    expect(providerRejection({ code, enhanced, text })?.cause).toBe(cause);
  });

  it('names the list of a "blocked using" rejection with its delisting page from the catalog', () => {
    const known = providerRejection({
      code: 554,
      enhanced: '5.7.1',
      text: 'Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1',
    });
    expect(known).toMatchObject({
      cause: 'provider.blocklist',
      details: {
        list: 'zen.spamhaus.org',
        listName: 'Spamhaus ZEN',
        delistUrl: 'https://check.spamhaus.org/',
      },
    });
  });

  it("leaves ordinary rejections and a 5.7.1 without Google's words alone", () => {
    expect(
      providerRejection({ code: 554, enhanced: '5.7.1', text: '<a@b.test>: Relay access denied' }),
    ).toBeUndefined();
    expect(
      providerRejection({ code: 550, enhanced: '5.7.1', text: 'Message rejected by policy' }),
    ).toBeUndefined();
    expect(providerRejection({ code: 250, text: 'ok' })).toBeUndefined();
  });

  it('names the published source of every provider cause except the generic blocklist one', () => {
    const provider = Object.entries(causes).filter(
      ([id]) => id.startsWith('provider.') && id !== 'provider.blocklist',
    );
    expect(provider.length).toBeGreaterThan(10);
    for (const [, cause] of provider) expect((cause as { source?: string }).source).toMatch(/^https:\/\//);
  });
});
