#!/usr/bin/env node
import { main } from './main.js';
import { runCli } from './run-cli.js';

void runCli(main);
