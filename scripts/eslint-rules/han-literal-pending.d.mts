export declare const HAN_PENDING: readonly string[];
