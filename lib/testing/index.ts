export * from './execution-result';
export * from './function-registry';
export * from './lambda-runtime';
export * from './local-runner';
export * from './local-state-machine';
export * from './snapshot';
export * from './task-dispatcher';
