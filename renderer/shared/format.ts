/** Small display formats shared by screens. */

/** A byte count for people: `1.5 MB`, or whole KB (at least 1) below a megabyte. */
export const sizeLabel = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
