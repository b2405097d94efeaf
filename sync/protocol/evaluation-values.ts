/**
 * 好差评 values as they are stored in `evaluations` documents and reported to the province's 好差评
 * system: the Chinese indicator names ARE the values (spec: ../shared/specs/queue-and-evaluation.md,
 * "Rating levels and rules": the 现场 indicators 整体满意度, 服务效率, 服务水平, 服务态度 and the
 * online ones; "Indicator sets are versioned and must not be changed locally"). They are protocol
 * data, not UI words, so they stay Chinese here, byte for byte as stored on terminals and platforms
 * (exempt from `terminal/no-han-literal`, scripts/eslint-rules/han-literal-scope.mjs). Screens show
 * each by its code in the UI language (catalogue `evaluation.reasons.<code>`).
 */

/** The indicator every rating of this terminal is given on. */
export const OVERALL_INDICATOR = '整体满意度';

/** Reasons offered for a bad rating, by code (the order is the order on screen). */
export const BAD_RATING_REASON_VALUES = {
  process: '办事流程',
  materials: '办事材料',
  efficiency: '服务效率',
  trips: '跑动次数',
  attitude: '服务态度',
  competence: '服务水平',
  guide: '办事指南精确度',
  usability: '平台操作性',
} as const;
export type BadRatingReasonCode = keyof typeof BAD_RATING_REASON_VALUES;
export const BAD_RATING_REASON_CODES = Object.keys(BAD_RATING_REASON_VALUES) as BadRatingReasonCode[];

/** Stored as the reason when a resident only wrote a comment for a bad rating ("pick or write the reason"). */
export const WRITTEN_REASON = '其他意见';
