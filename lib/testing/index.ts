export * from './cloud-assembly';
export * from './execution-result';
export * from './function-registry';
export * from './lambda-runtime';
export * from './local-runner';
export * from './local-state-machine';
export * from './stack-resources';
export * from './task-dispatcher';
