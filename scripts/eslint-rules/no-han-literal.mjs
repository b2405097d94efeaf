// ESLint rule `terminal/no-han-literal`: words for people live in the renderer's catalogue
// (renderer/i18n/locales), the document and receipt templates, and seed data — not in code.
// It reports a string literal, a template literal's text, a Vue template's text or a static
// attribute value that holds a Han character. Comments are not literals and are never reported.
// Which files are exempt (catalogues, templates, seed data, tests) and which are still waiting
// to be moved (a shrinking list) is eslint.config.js's business, not the rule's.

const HAN = /\p{Script=Han}/u;

function snippet(text) {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 24 ? `${t.slice(0, 24)}…` : t;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noHanLiteral = {
  meta: {
    type: 'suggestion',
    docs: { description: 'disallow Han characters in string literals and Vue template text outside the catalogues, templates and seed data' },
    schema: [],
    messages: {
      han: 'Words for people belong in the catalogue (renderer/i18n/locales), not in code: "{{text}}". Send a code and parameters instead.',
    },
  },
  create(context) {
    const report = (node, text) => {
      if (typeof text === 'string' && HAN.test(text)) context.report({ node, messageId: 'han', data: { text: snippet(text) } });
    };
    const script = {
      Literal(node) {
        report(node, node.value);
      },
      TemplateElement(node) {
        report(node, node.value.cooked ?? node.value.raw);
      },
    };
    const services = context.sourceCode.parserServices;
    if (services && typeof services.defineTemplateBodyVisitor === 'function') {
      return services.defineTemplateBodyVisitor(
        {
          VText(node) {
            report(node, node.value);
          },
          'VAttribute[directive=false] > VLiteral'(node) {
            report(node, node.value);
          },
        },
        script,
      );
    }
    return script;
  },
};

export default { rules: { 'no-han-literal': noHanLiteral } };
