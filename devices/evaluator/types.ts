/** 好差评 levels, 5 = 非常满意 … 1 = 非常不满意; the level is the code, its words are the renderer's (`clerk.calling.levels.<level>`). */
export type EvaluationLevel = 1 | 2 | 3 | 4 | 5;

export interface EvaluationResult {
  level: EvaluationLevel;
  /** Bad ratings (1, 2) need a reason chosen on screen (国办发〔2019〕51号 practice). */
  needsReason: boolean;
  source: 'device' | 'on-screen';
  at: string;
}

export function evaluationResult(level: EvaluationLevel, source: EvaluationResult['source']): EvaluationResult {
  return { level, needsReason: level <= 2, source, at: new Date().toISOString() };
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
