#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../lib/config';
import { createStacks } from '../lib/stacks';

const app = new App();
createStacks(app, loadConfig(app.node));
// cdk-nag 3: the AWS Solutions pack runs as a policy validation plugin; findings fail the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
