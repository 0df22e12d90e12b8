import { Duration, Validations } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { HandlerFunction } from './handler-function';
import { HANDLER_ENTRIES } from '../lambda-bundling';

/** Handler entry of the sweeper (lambda/oauth/sweeper-handler.mts). */
export const SWEEPER_HANDLER_ENTRY = HANDLER_ENTRIES.sweeper;

/** Once a day, at a quiet minute (UTC): registrations are judged by day-resolution `lastUsedAt`. */
export const SWEEPER_SCHEDULE = events.Schedule.cron({ minute: '17', hour: '3' });

export interface RegistrationSweeperProps {
  /** The function's explicit name (lib/stacks/names.ts). */
  readonly functionName: string;
  /** The pool whose app clients the bridge created. */
  readonly userPool: cognito.IUserPool;
  readonly registrationsTable: dynamodb.ITable;
  /** Days without a token use after which a registration is deleted (at least 1). */
  readonly registrationIdleDays: number;
  /** Hours after which a registration that never used a token is deleted. */
  readonly registrationUnusedHours: number;
  readonly logLevel: string;
  readonly logRetentionDays: number;
  readonly retainData: boolean;
}

/**
 * Deletes idle and never-used DCR registrations once a day (docs/registration.md, "Cleanup"), each
 * through the RFC 7592 delete unit of work: Cognito app client first, then the record; then deletes
 * orphaned app clients and publishes the pool's app-client count (metric `McpAuth/AppClients`).
 */
export class RegistrationSweeper extends Construct {
  public readonly handler: HandlerFunction;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: RegistrationSweeperProps) {
    super(scope, id);

    this.handler = new HandlerFunction(this, 'Handler', {
      functionName: props.functionName,
      entry: SWEEPER_HANDLER_ENTRY,
      description: 'Registration sweeper: deletes idle and never-used dynamic client registrations',
      environment: {
        USER_POOL_ID: props.userPool.userPoolId,
        REGISTRATIONS_TABLE: props.registrationsTable.tableName,
        LOG_LEVEL: props.logLevel,
        REGISTRATION_IDLE_DAYS: String(props.registrationIdleDays),
        REGISTRATION_UNUSED_HOURS: String(props.registrationUnusedHours),
      },
      memorySize: 256,
      // At most 200 deletions 0.5 s apart (~100 s, plus Cognito's retries) and a table scan.
      timeout: Duration.minutes(5),
      logRetentionDays: props.logRetentionDays,
      retainData: props.retainData,
      whyNoDeadLetterQueue:
        'The scheduled run is idempotent and its event carries nothing: a failed run is retried by Lambda (two asynchronous retries), the next daily run redoes whatever is left, and failures show in the Errors metric and the log. A dead-letter queue would only collect empty schedule events.',
    });

    const role = this.handler.role;
    // Find registrations (Scan with a filter on client#), read each again right before deleting it
    // and look up an app client's record (GetItem), mark it deleting, give its pool-budget slot
    // back and record the first run in sweeper#state (UpdateItem), delete the record and a CIMD
    // client's cimd# mapping (DeleteItem); no other reads or writes of items.
    props.registrationsTable.grant(role, 'dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    // On this pool only: list its app clients (the AppClients count and orphans), read an orphan
    // candidate's creation date (ListUserPoolClients does not return it), and delete app clients.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cognito-idp:ListUserPoolClients', 'cognito-idp:DescribeUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        resources: [props.userPool.userPoolArn],
      }),
    );

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Daily run of the DCR registration sweeper',
      schedule: SWEEPER_SCHEDULE,
      targets: [new targets.LambdaFunction(this.handler.function)],
    });
    Validations.of(this.rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'The target is a daily schedule whose event carries no data: an event EventBridge fails to deliver loses nothing the next day\'s run does not redo, so a dead-letter queue would only hold empty schedule events.',
    });
  }
}
