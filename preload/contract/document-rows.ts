/**
 * Row labels of the 授权委托书 (a legal document, Chinese only like the templates in
 * main/documents/templates.ts and renderer/clerk/letters.ts): the 受托人 rows main fills for the
 * signed-in staff member (main/documents/authorization.ts) and the page writes (renderer/clerk/letters.ts).
 */
export const AGENT_ROW = '受托人（代办员）';
export const AGENT_ID_ROW = '受托人身份证号';
export const AGENT_PHONE_ROW = '受托人联系电话';
