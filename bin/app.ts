#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadConfig } from '../lib/config';
import { createStacks } from '../lib/stacks';

const app = new App();
createStacks(app, loadConfig(app.node));
// cdk-nag 3: rule packs run as policy validation plugins; an unacknowledged error fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
