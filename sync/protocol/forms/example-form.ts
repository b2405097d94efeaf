/**
 * A form shaped like the platform's (sync/server/seed/forms.ts: insurance kind with 帮代办), for the
 * validator's and the form model's tests on both sides.
 */
import { RESIDENT_ID_PATTERN } from './validate';

export const EXAMPLE_FORM_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    applicantName: { type: 'string', title: '姓名', minLength: 2, maxLength: 30 },
    idNumber: { type: 'string', title: '身份证号', pattern: RESIDENT_ID_PATTERN },
    phone: { type: 'string', title: '手机号', pattern: '^1[3-9]\\d{9}$' },
    applyDate: { type: 'string', title: '申请日期', format: 'date' },
    insuredType: { type: 'string', title: '参保人类别', enum: ['普通居民', '新生儿'] },
    newbornName: { type: 'string', title: '新生儿姓名', maxLength: 30 },
    familySize: { type: 'integer', title: '家庭人口数', minimum: 1, maximum: 20 },
    byAgent: { type: 'boolean', title: '委托他人代办（帮代办）' },
    agentName: { type: 'string', title: '代办人姓名', minLength: 2, maxLength: 30 },
    bankAccount: { type: 'string', title: '社保卡或银行账号', pattern: '^\\d{12,19}$' },
  },
  required: ['applicantName', 'idNumber', 'phone', 'insuredType'],
  additionalProperties: false,
  allOf: [
    { if: { properties: { insuredType: { const: '新生儿' } }, required: ['insuredType'] }, then: { required: ['newbornName'] } },
    { if: { properties: { byAgent: { const: true } }, required: ['byAgent'] }, then: { required: ['agentName'] } },
  ],
};
/** A valid ID number (GB 11643 check digit). */
export const EXAMPLE_ID_NUMBER = '11010519491231002X';
