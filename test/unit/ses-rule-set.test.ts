import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeActiveReceiptRuleSetCommand,
  SESClient,
  SetActiveReceiptRuleSetCommand,
} from '@aws-sdk/client-ses';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/ses-rule-set';

const ses = mockClient(SESClient);

/** A loopback stand-in for CloudFormation's pre-signed response URL: records every PUT body. */
let server: Server;
let responses: Record<string, unknown>[];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      responses.push({ method: req.method, ...JSON.parse(body) });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  ses.reset();
  responses = [];
});

function event(
  type: 'Create' | 'Update' | 'Delete',
  physicalResourceId?: string,
): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:x',
    ResponseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Mailprobe/1',
    RequestId: 'req-1',
    LogicalResourceId: 'ActiveRuleSet',
    ResourceType: 'Custom::MailprobeActiveReceiptRuleSet',
    ResourceProperties: { ServiceToken: 'x', RuleSetName: 'Mailprobe-RuleSet-1' },
  };
  if (type === 'Create') return { ...base, RequestType: 'Create' };
  if (type === 'Update')
    return {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: physicalResourceId ?? '',
      OldResourceProperties: base.ResourceProperties,
    };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: physicalResourceId ?? '' };
}

const sets = () => ses.commandCalls(SetActiveReceiptRuleSetCommand).map((c) => c.args[0].input);

describe('ses-rule-set custom resource', () => {
  it('activates the stack’s rule set on create and remembers the one that was active', async () => {
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({ Metadata: { Name: 'corporate-rules' } });
    await handler(event('Create'));
    expect(sets()).toEqual([{ RuleSetName: 'Mailprobe-RuleSet-1' }]);
    expect(responses).toEqual([
      {
        method: 'PUT',
        Status: 'SUCCESS',
        Reason: 'see the function logs',
        PhysicalResourceId: 'mailprobe-active-rule-set/corporate-rules',
        StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Mailprobe/1',
        RequestId: 'req-1',
        LogicalResourceId: 'ActiveRuleSet',
      },
    ]);
  });

  it('restores the previous rule set on delete while ours is still active', async () => {
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({ Metadata: { Name: 'Mailprobe-RuleSet-1' } });
    await handler(event('Delete', 'mailprobe-active-rule-set/corporate-rules'));
    expect(sets()).toEqual([{ RuleSetName: 'corporate-rules' }]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS' });
  });

  it('deactivates on delete when no set was active before, and leaves a set activated since then alone', async () => {
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({ Metadata: { Name: 'Mailprobe-RuleSet-1' } });
    await handler(event('Delete', 'mailprobe-active-rule-set/'));
    expect(sets()).toEqual([{}]);
    ses.reset();
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({ Metadata: { Name: 'someone-else' } });
    await handler(event('Delete', 'mailprobe-active-rule-set/corporate-rules'));
    expect(sets()).toEqual([]);
  });

  it('reports FAILED with the SES error instead of leaving CloudFormation waiting', async () => {
    ses
      .on(DescribeActiveReceiptRuleSetCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    await handler(event('Create'));
    expect(responses).toEqual([
      expect.objectContaining({
        Status: 'FAILED',
        Reason: 'AccessDenied: not authorized',
        PhysicalResourceId: 'mailprobe-active-rule-set/',
      }),
    ]);
  });
});
