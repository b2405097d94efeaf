export declare const PGLITE_TEMPLATE_ENV: string;
/** Sets TERMINAL_PGLITE_TEMPLATE for this process and what it starts, unless already set. */
export declare function usePgliteTemplate(): void;
