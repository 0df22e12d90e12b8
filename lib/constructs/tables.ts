import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { removalPolicyFor } from './retention';

export interface McpTableProps {
  /** RETAIN and deletion protection instead of DESTROY. */
  readonly retainData: boolean;
}

/** On-demand, point-in-time recovery, AWS-managed encryption; deletion protection when data is kept. */
function baseTableProps(props: McpTableProps) {
  return {
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    deletionProtection: props.retainData,
    removalPolicy: removalPolicyFor(props.retainData),
  };
}

/**
 * DCR registrations and registration rate-limit counters (docs/contracts.md, "Registrations table"):
 * `pk` = `client#<client_id>` or `rate#<source-ip>#<window-start>`, no sort key, TTL on `expiresAt`.
 */
export class RegistrationsTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: McpTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      ...baseTableProps(props),
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
    });
  }
}

/**
 * Notes of the example MCP tools (docs/contracts.md, "Notes table"):
 * `pk` = `user#<sub>`, `sk` = `note#<ISO createdAt>#<id>`.
 */
export class NotesTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: McpTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      ...baseTableProps(props),
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    });
  }
}
