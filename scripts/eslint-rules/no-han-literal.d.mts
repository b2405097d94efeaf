import type { ESLint, Rule } from 'eslint';
export declare const noHanLiteral: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
