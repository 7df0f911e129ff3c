import type { LambdaStepEvent } from '../../lib/steps/lambda-step-event';
import { logger, tagInvocation } from './logger';
import { Order } from './order';
import { riskSignals } from './risk-rules';

interface ScoreFraudRiskEvent extends LambdaStepEvent {
  readonly input: Order;
}

/** The fraud score of an order (0–120) and the reasons behind it. */
export interface RiskScore {
  readonly score: number;
  readonly reasons: string[];
}

/**
 * Scores an order's fraud risk from its own data. Pure, so safe to run more than once
 * (the fraud check is an EXPRESS workflow: at least once when started asynchronously).
 */
export const handler = async (event: ScoreFraudRiskEvent): Promise<RiskScore> => {
  tagInvocation(event);
  const signals = riskSignals(event.input);
  const score = signals.reduce((sum, signal) => sum + signal.points, 0);
  logger.info('Fraud risk scored', { score });
  return { score, reasons: signals.map((signal) => signal.reason) };
};
