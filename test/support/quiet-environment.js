/**
 * Jest's node environment, plus one flag the log-holding setup (`quiet-logs.ts`) reads: whether the
 * running test has failed so far (its body or one of its hooks threw, or an assertion failed).
 * CommonJS, because Jest loads test environments before any transform.
 */
const { TestEnvironment } = require('jest-environment-node');

class QuietEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    if (event.name === 'test_start') this.global.__testFailed = false;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') this.global.__testFailed = true;
  }
}

module.exports = QuietEnvironment;
