import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SecretRef } from '../../shared/config/secret-ref';

/** The Secrets Manager secrets the config names, imported by name; functions get read on exactly the ones they use. */
export class Secrets extends Construct {
  private readonly byName = new Map<string, secretsmanager.ISecret>();

  grantRead(fn: lambda.Function, refs: readonly SecretRef[]): void {
    for (const ref of refs) {
      if (!('secret' in ref)) continue;
      let secret = this.byName.get(ref.secret);
      if (!secret) {
        const id = `S${this.byName.size}`;
        secret = ref.secret.startsWith('arn:')
          ? secretsmanager.Secret.fromSecretCompleteArn(this, id, ref.secret)
          : secretsmanager.Secret.fromSecretNameV2(this, id, ref.secret);
        this.byName.set(ref.secret, secret);
      }
      secret.grantRead(fn);
    }
  }
}
