/** Globs where `terminal/no-han-literal` does not apply: catalogues, templates, seed data, tests. */
export declare const HAN_EXEMPT: readonly string[];
/** Files still building words for people in code; the list only shrinks. */
export declare const HAN_PENDING: readonly string[];
