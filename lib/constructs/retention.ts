import { RemovalPolicy } from 'aws-cdk-lib';

/**
 * What happens to stateful resources (user pool, tables, log groups) when their stack is deleted.
 * `retainData: false` (the default, for dev) lets `npm run destroy` remove every resource.
 */
export function removalPolicyFor(retainData: boolean): RemovalPolicy {
  return retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
