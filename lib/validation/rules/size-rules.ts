import { isDistributedMap, listStates } from '../../asl/definition';
import { jsonByteLength } from '../../asl/json-value';
import { Rule, Severity } from '../rule';

/** The largest definition Step Functions accepts, in bytes. */
const MAX_DEFINITION_BYTES = 1024 * 1024;
/** The largest state input or output, in bytes (UTF-8). */
const MAX_PAYLOAD_BYTES = 256 * 1024;
/** The most iterations an inline Map runs at once. */
const INLINE_MAP_MAX_CONCURRENCY = 40;

/** The size of a value as compact JSON in UTF-8, at any nesting depth. */
const bytes = (value: unknown) => jsonByteLength(value);

/** The definition must be at most 1 MB. */
export const definitionSize: Rule = {
  id: 'Workflow-DefinitionSize',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: 'The definition is at most 1 MB.',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html',
  check: ({ definition }) => {
    const size = bytes(definition);
    return size > MAX_DEFINITION_BYTES
      ? [{ message: `The definition is ${size} bytes; Step Functions accepts at most ${MAX_DEFINITION_BYTES}. Move large literals to S3 or split the workflow into nested workflows.` }]
      : [];
  },
};

/** A literal payload over 256 KiB fails with States.DataLimitExceeded when the state runs. */
export const literalPayloadSize: Rule = {
  id: 'Workflow-PayloadSize',
  severity: Severity.ERROR,
  description: 'Literal payloads (Result, Parameters, ItemSelector, ResultSelector) are at most 256 KiB.',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html',
  check: ({ definition }) =>
    listStates(definition).flatMap(({ name, state }) =>
      ['Result', 'Parameters', 'ItemSelector', 'ResultSelector', 'Arguments']
        .filter((field) => state[field] !== undefined && bytes(state[field]) > MAX_PAYLOAD_BYTES)
        .map((field) => ({
          stateName: name,
          message: `State '${name}' has a ${bytes(state[field])}-byte ${field}; a state's data is limited to ${MAX_PAYLOAD_BYTES} bytes (States.DataLimitExceeded). Store the data in S3 and pass its key.`,
        })),
    ),
};

/** An inline Map runs at most 40 iterations at once, whatever MaxConcurrency says. */
export const inlineMapConcurrency: Rule = {
  id: 'Workflow-InlineMapConcurrency',
  severity: Severity.WARNING,
  description: `An inline Map's MaxConcurrency is at most ${INLINE_MAP_MAX_CONCURRENCY}.`,
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html',
  check: ({ definition }) =>
    listStates(definition)
      .filter(({ state }) => state.Type === 'Map' && !isDistributedMap(state) && typeof state.MaxConcurrency === 'number' && state.MaxConcurrency > INLINE_MAP_MAX_CONCURRENCY)
      .map(({ name, state }) => ({
        stateName: name,
        message: `Map '${name}' asks for MaxConcurrency ${state.MaxConcurrency}, but an inline Map runs at most ${INLINE_MAP_MAX_CONCURRENCY} iterations at once. Use a distributed Map for more.`,
      })),
};
