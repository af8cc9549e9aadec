import {
  DescribeActiveReceiptRuleSetCommand,
  SESClient,
  SetActiveReceiptRuleSetCommand,
} from '@aws-sdk/client-ses';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { log } from './container';

/**
 * CloudFormation custom resource that makes the stack's SES receipt rule set the active one (CloudFormation has
 * no property for it, and SES inbound does nothing while the set is inactive). Receipt rules exist only in the
 * classic SES API, hence `@aws-sdk/client-ses` here and SES v2 everywhere else.
 *
 * One rule set is active per account and region. On create the previously active set is remembered in the
 * physical resource id; on delete it is restored, but only while ours is still the active one (an operator who
 * activated another set since then keeps it).
 */

const PREFIX = 'mailprobe-active-rule-set';

/** `mailprobe-active-rule-set/<previous or empty>`: the only state that survives from create to delete. */
export function physicalId(previous: string | undefined): string {
  return `${PREFIX}/${previous ?? ''}`;
}

export function previousOf(id: string): string | undefined {
  if (!id.startsWith(`${PREFIX}/`)) return undefined;
  return id.slice(PREFIX.length + 1) || undefined;
}

async function activeRuleSet(ses: SESClient): Promise<string | undefined> {
  const out = await ses.send(new DescribeActiveReceiptRuleSetCommand({}));
  return out.Metadata?.Name;
}

/** Applies the event to SES; returns the physical resource id to report. */
export async function applyRuleSetEvent(
  ses: SESClient,
  event: CloudFormationCustomResourceEvent,
): Promise<string> {
  const ours = String(event.ResourceProperties.RuleSetName ?? '');
  if (!ours) throw new Error('RuleSetName is missing from the resource properties');
  if (event.RequestType === 'Create') {
    const previous = await activeRuleSet(ses);
    if (previous !== ours) await ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: ours }));
    return physicalId(previous === ours ? undefined : previous);
  }
  if (event.RequestType === 'Update') {
    if ((await activeRuleSet(ses)) !== ours)
      await ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: ours }));
    return event.PhysicalResourceId;
  }
  // Delete: give the account back the rule set it had, if ours is still the one in force.
  if ((await activeRuleSet(ses)) === ours) {
    const previous = previousOf(event.PhysicalResourceId);
    await ses.send(new SetActiveReceiptRuleSetCommand(previous ? { RuleSetName: previous } : {}));
  }
  return event.PhysicalResourceId;
}

/** Reports the outcome to CloudFormation (a PUT to the pre-signed response URL), success or failure. */
export async function respond(
  event: CloudFormationCustomResourceEvent,
  outcome: { status: 'SUCCESS' | 'FAILED'; physicalResourceId: string; reason?: string },
): Promise<void> {
  const body = JSON.stringify({
    Status: outcome.status,
    Reason: outcome.reason ?? 'see the function logs',
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const res = await fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`CloudFormation response upload failed: HTTP ${res.status}`);
}

let ses: SESClient | undefined;

export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  ses ??= new SESClient({});
  const fallbackId = event.RequestType === 'Create' ? physicalId(undefined) : event.PhysicalResourceId;
  try {
    const id = await applyRuleSetEvent(ses, event);
    log.info('receipt rule set event applied', { requestType: event.RequestType, physicalResourceId: id });
    await respond(event, { status: 'SUCCESS', physicalResourceId: id });
  } catch (err) {
    const reason = `${(err as Error).name}: ${(err as Error).message}`.slice(0, 500);
    log.error('receipt rule set event failed', { requestType: event.RequestType, reason });
    // Always answer: a custom resource without a response holds the stack for an hour.
    await respond(event, { status: 'FAILED', physicalResourceId: fallbackId, reason });
  }
}
