/** 好差评 levels, 5 = 非常满意 … 1 = 非常不满意. */
export type EvaluationLevel = 1 | 2 | 3 | 4 | 5;

export const EVALUATION_LABELS: Record<EvaluationLevel, string> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};

export interface EvaluationResult {
  level: EvaluationLevel;
  label: string;
  /** Bad ratings (1, 2) need a reason chosen on screen (国办发〔2019〕51号 practice). */
  needsReason: boolean;
  source: 'device' | 'on-screen';
  at: string;
}

export function evaluationResult(level: EvaluationLevel, source: EvaluationResult['source']): EvaluationResult {
  return { level, label: EVALUATION_LABELS[level], needsReason: level <= 2, source, at: new Date().toISOString() };
}

/** Pluggable evaluator drivers (button boxes, pads). */
export interface EvaluatorDriver {
  /** Light the buttons and show a prompt; results arrive through onResult. */
  request(prompt: string, timeoutSeconds?: number): Promise<void>;
  cancel(): Promise<void>;
  ping(): Promise<boolean>;
  onResult(listener: (level: EvaluationLevel) => void): () => void;
  dispose(): void;
}
