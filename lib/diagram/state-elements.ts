import { DiagramModel } from './model';

/** The state name of each node and group that stands for a state, by element id. */
export function stateNamesByElement(model: DiagramModel): Map<string, string> {
  return new Map([...model.stateElements].map(([name, id]) => [id, name]));
}
