// JSON Schema (draft-07) + UI schema for each demo form. Field names are English keys; titles Chinese.
import { RESIDENT_ID_PATTERN } from '../../protocol/index';
import type { FormKind } from './catalog-data';

type Json = Record<string, unknown>;

/**
 * Kiosk input hints in the UI schema's control `options` (renderer/forms/field-input.ts): names are
 * typed in pinyin only; certificate numbers without a pattern get letters and digits; dates in the
 * past (births, registrations) or the future (预产期) limit the touch date picker.
 */
const NAME = { keyboard: 'pinyin' };
const CERT_NO = { keyboard: 'alphanumeric' };
const PAST = { notAfter: 'today' };
const FUTURE = { notBefore: 'today' };

const PHONE_PATTERN = '^1[3-9]\\d{9}$';

const applicantProps: Json = {
  applicantName: { type: 'string', title: '姓名', minLength: 2, maxLength: 30 },
  idNumber: { type: 'string', title: '身份证号', pattern: RESIDENT_ID_PATTERN },
  phone: { type: 'string', title: '手机号', pattern: PHONE_PATTERN },
  address: { type: 'string', title: '户籍地址', maxLength: 120 },
};
const applicantRequired = ['applicantName', 'idNumber', 'phone'];

/** Item-specific fields and, for some, a conditional (if/then) section. */
function kindSection(kind: FormKind): { props: Json; required: string[]; allOf?: Json[]; ui: Json[] } {
  const ctl = (scope: string, options?: Json) => ({ type: 'Control', scope: `#/properties/${scope}`, ...(options ? { options } : {}) });
  switch (kind) {
    case 'assistance':
      return {
        props: {
          familySize: { type: 'integer', title: '家庭人口数', minimum: 1, maximum: 20 },
          monthlyIncome: { type: 'number', title: '家庭月收入（元）', minimum: 0 },
          hardship: { type: 'string', title: '困难类型', enum: ['因病', '因残', '因灾', '因学', '缺乏劳动力', '其他'] },
          hardshipOther: { type: 'string', title: '其他困难说明', maxLength: 200 },
          hasBankAccount: { type: 'boolean', title: '已有社保卡/银行账户' },
          bankAccount: { type: 'string', title: '社保卡或银行账号', pattern: '^\\d{12,19}$' },
        },
        required: ['familySize', 'monthlyIncome', 'hardship'],
        allOf: [
          { if: { properties: { hardship: { const: '其他' } }, required: ['hardship'] }, then: { required: ['hardshipOther'] } },
          { if: { properties: { hasBankAccount: { const: true } }, required: ['hasBankAccount'] }, then: { required: ['bankAccount'] } },
        ],
        ui: [ctl('familySize'), ctl('monthlyIncome'), ctl('hardship'), { ...ctl('hardshipOther'), rule: { effect: 'SHOW', condition: { scope: '#/properties/hardship', schema: { const: '其他' } } } }, ctl('hasBankAccount'), { ...ctl('bankAccount'), rule: { effect: 'SHOW', condition: { scope: '#/properties/hasBankAccount', schema: { const: true } } } }],
      };
    case 'subsidy':
      return {
        props: {
          birthDate: { type: 'string', title: '出生日期', format: 'date' },
          bankAccount: { type: 'string', title: '社保卡或银行账号', pattern: '^\\d{12,19}$' },
          disabilityCertNo: { type: 'string', title: '残疾人证号（如有）', maxLength: 30 },
        },
        required: ['birthDate', 'bankAccount'],
        ui: [ctl('birthDate', PAST), ctl('bankAccount'), ctl('disabilityCertNo', CERT_NO)],
      };
    case 'pension':
      return {
        props: {
          birthDate: { type: 'string', title: '出生日期', format: 'date' },
          contributionLevel: { type: 'string', title: '缴费档次（元/年）', enum: ['200', '300', '400', '500', '600', '700', '800', '900', '1000', '1500', '2000', '3000'] },
          bankAccount: { type: 'string', title: '社保卡或银行账号', pattern: '^\\d{12,19}$' },
        },
        required: ['birthDate'],
        ui: [ctl('birthDate', PAST), ctl('contributionLevel'), ctl('bankAccount')],
      };
    case 'insurance':
      return {
        props: {
          insuredType: { type: 'string', title: '参保人类别', enum: ['普通居民', '新生儿', '学生', '低保对象', '特困人员', '重度残疾人'] },
          newbornName: { type: 'string', title: '新生儿姓名', maxLength: 30 },
          newbornBirthDate: { type: 'string', title: '新生儿出生日期', format: 'date' },
          birthCertNo: { type: 'string', title: '出生医学证明编号', pattern: '^[A-Z]\\d{9}$' },
        },
        required: ['insuredType'],
        allOf: [{ if: { properties: { insuredType: { const: '新生儿' } }, required: ['insuredType'] }, then: { required: ['newbornName', 'newbornBirthDate', 'birthCertNo'] } }],
        ui: [ctl('insuredType'), { type: 'Group', label: '新生儿信息', elements: [ctl('newbornName', NAME), ctl('newbornBirthDate', PAST), ctl('birthCertNo')], rule: { effect: 'SHOW', condition: { scope: '#/properties/insuredType', schema: { const: '新生儿' } } } }],
      };
    case 'card':
      return {
        props: {
          reason: { type: 'string', title: '申请原因', enum: ['首次申领', '挂失', '解挂', '补领', '换领', '到期换发'] },
          deliveryMethod: { type: 'string', title: '领取方式', enum: ['窗口自取', '邮寄'] },
          mailAddress: { type: 'string', title: '邮寄地址', maxLength: 120 },
        },
        required: ['reason', 'deliveryMethod'],
        allOf: [{ if: { properties: { deliveryMethod: { const: '邮寄' } }, required: ['deliveryMethod'] }, then: { required: ['mailAddress'] } }],
        ui: [ctl('reason'), ctl('deliveryMethod'), { ...ctl('mailAddress'), rule: { effect: 'SHOW', condition: { scope: '#/properties/deliveryMethod', schema: { const: '邮寄' } } } }],
      };
    case 'birth':
      return {
        props: {
          spouseName: { type: 'string', title: '配偶姓名', minLength: 2, maxLength: 30 },
          spouseIdNumber: { type: 'string', title: '配偶身份证号', pattern: RESIDENT_ID_PATTERN },
          marriageDate: { type: 'string', title: '结婚登记日期', format: 'date' },
          childOrder: { type: 'string', title: '生育孩次', enum: ['一孩', '二孩', '三孩'] },
          expectedDate: { type: 'string', title: '预产期', format: 'date' },
        },
        required: ['spouseName', 'spouseIdNumber', 'childOrder'],
        ui: [ctl('spouseName', NAME), ctl('spouseIdNumber'), ctl('marriageDate', PAST), ctl('childOrder'), ctl('expectedDate', FUTURE)],
      };
    case 'disability':
      return {
        props: {
          category: { type: 'string', title: '残疾类别', enum: ['视力', '听力', '言语', '肢体', '智力', '精神', '多重'] },
          level: { type: 'string', title: '残疾等级', enum: ['一级', '二级', '三级', '四级'] },
          isMinor: { type: 'boolean', title: '申请人未成年或为智力/精神类' },
          guardianName: { type: 'string', title: '监护人姓名', maxLength: 30 },
          guardianIdNumber: { type: 'string', title: '监护人身份证号', pattern: RESIDENT_ID_PATTERN },
          homeVisit: { type: 'boolean', title: '行动不便，申请上门办理' },
        },
        required: ['category'],
        allOf: [{ if: { properties: { isMinor: { const: true } }, required: ['isMinor'] }, then: { required: ['guardianName', 'guardianIdNumber'] } }],
        ui: [ctl('category'), ctl('level'), ctl('isMinor'), { type: 'Group', label: '监护人', elements: [ctl('guardianName', NAME), ctl('guardianIdNumber')], rule: { effect: 'SHOW', condition: { scope: '#/properties/isMinor', schema: { const: true } } } }, ctl('homeVisit')],
      };
    case 'veteran':
      return {
        props: {
          personType: { type: 'string', title: '人员类别', enum: ['退役军人', '烈士遗属', '因公牺牲军人遗属', '病故军人遗属', '其他优抚对象'] },
          dischargeDate: { type: 'string', title: '退役时间', format: 'date' },
          certificateNo: { type: 'string', title: '退役证件编号', maxLength: 40 },
        },
        required: ['personType'],
        ui: [ctl('personType'), ctl('dischargeDate', PAST), ctl('certificateNo', CERT_NO)],
      };
    case 'housing':
      return {
        props: {
          landArea: { type: 'number', title: '申请用地面积（平方米）', minimum: 1, maximum: 1000 },
          buildingFloors: { type: 'integer', title: '建房层数', minimum: 1, maximum: 4 },
          buildType: { type: 'string', title: '建房类型', enum: ['原址翻建', '改扩建', '异址新建'] },
          villageOpinion: { type: 'boolean', title: '已取得村民委员会书面意见' },
        },
        required: ['landArea', 'buildType'],
        ui: [ctl('landArea'), ctl('buildingFloors'), ctl('buildType'), ctl('villageOpinion')],
      };
    case 'legal':
      return {
        props: {
          disputeType: { type: 'string', title: '事项类型', enum: ['婚姻家庭', '邻里纠纷', '土地承包', '劳动争议', '人身损害', '其他'] },
          summary: { type: 'string', title: '简要情况', maxLength: 500 },
          otherParty: { type: 'string', title: '对方当事人（如有）', maxLength: 60 },
        },
        required: ['disputeType', 'summary'],
        ui: [ctl('disputeType'), { ...ctl('summary'), options: { multi: true } }, ctl('otherParty')],
      };
    case 'employment':
      return {
        props: {
          education: { type: 'string', title: '文化程度', enum: ['小学及以下', '初中', '高中/中专', '大专', '本科及以上'] },
          lastEmployer: { type: 'string', title: '原工作单位', maxLength: 100 },
          unemployedSince: { type: 'string', title: '失业/求职开始日期', format: 'date' },
          wantsTraining: { type: 'boolean', title: '需要职业培训' },
        },
        required: ['education'],
        ui: [ctl('education'), ctl('lastEmployer'), ctl('unemployedSince', PAST), ctl('wantsTraining')],
      };
    case 'generic':
      return { props: { request: { type: 'string', title: '申请事项说明', maxLength: 500 } }, required: ['request'], ui: [{ ...ctl('request'), options: { multi: true } }] };
  }
}

/** 帮代办 section: shown (and required) when the applicant files through an agent. */
const agentProps: Json = {
  byAgent: { type: 'boolean', title: '委托他人代办（帮代办）' },
  agentName: { type: 'string', title: '代办人姓名', minLength: 2, maxLength: 30 },
  agentIdNumber: { type: 'string', title: '代办人身份证号', pattern: RESIDENT_ID_PATTERN },
  agentPhone: { type: 'string', title: '代办人手机号', pattern: PHONE_PATTERN },
  agentRelation: { type: 'string', title: '与申请人关系', enum: ['村代办员', '配偶', '子女', '父母', '其他亲属', '其他'] },
};

export function buildForm(title: string, kind: FormKind, proxyAllowed: boolean): { jsonSchema: Json; uiSchema: Json } {
  const k = kindSection(kind);
  const allOf = [...(k.allOf ?? [])];
  const props: Json = { ...applicantProps, applyDate: { type: 'string', title: '申请日期', format: 'date' }, ...k.props };
  const ctl = (scope: string, options?: Json) => ({ type: 'Control', scope: `#/properties/${scope}`, ...(options ? { options } : {}) });
  const elements: Json[] = [
    { type: 'Group', label: '申请人', elements: [ctl('applicantName', NAME), ctl('idNumber'), ctl('phone'), ctl('address'), ctl('applyDate', PAST)] },
    { type: 'Group', label: '申请内容', elements: k.ui },
  ];
  if (proxyAllowed) {
    Object.assign(props, agentProps);
    allOf.push({ if: { properties: { byAgent: { const: true } }, required: ['byAgent'] }, then: { required: ['agentName', 'agentIdNumber', 'agentPhone', 'agentRelation'] } });
    elements.push(ctl('byAgent'), {
      type: 'Group',
      label: '代办人',
      elements: [ctl('agentName', NAME), ctl('agentIdNumber'), ctl('agentPhone'), ctl('agentRelation')],
      rule: { effect: 'SHOW', condition: { scope: '#/properties/byAgent', schema: { const: true } } },
    });
  }
  const jsonSchema: Json = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    type: 'object',
    properties: props,
    required: [...applicantRequired, ...k.required],
    additionalProperties: false,
    ...(allOf.length ? { allOf } : {}),
  };
  return { jsonSchema, uiSchema: { type: 'VerticalLayout', elements } };
}

/**
 * Valid data for a demo form of `kind` (no real persons): what a resident would submit, with the
 * conditional sections exercised where the kind has one (新生儿, 邮寄, 监护人, 帮代办…). Only
 * fields the UI shows for this data are present, so the renderer's form and the platform accept the
 * very same object (see the tests in sync/server/form-validation.test.ts and renderer/forms).
 */
export function sampleFormData(kind: FormKind, proxyAllowed: boolean): Json {
  const applicant: Json = { applicantName: '测试人', idNumber: '360121194010010024', phone: '13800000000', address: '南昌县南新乡测试村1号', applyDate: '2026-01-05' };
  const byKind: Record<FormKind, Json> = {
    assistance: { familySize: 3, monthlyIncome: 1200.5, hardship: '其他', hardshipOther: '家中老人长期卧床', hasBankAccount: true, bankAccount: '6217000000000000001' },
    subsidy: { birthDate: '1940-10-01', bankAccount: '6217000000000000001' },
    pension: { birthDate: '1966-03-15', contributionLevel: '500' },
    insurance: { insuredType: '新生儿', newbornName: '测试宝宝', newbornBirthDate: '2026-01-01', birthCertNo: 'Q360123456' },
    card: { reason: '补领', deliveryMethod: '邮寄', mailAddress: '南昌县南新乡测试村1号' },
    birth: { spouseName: '测试配偶', spouseIdNumber: '360121194010010024', marriageDate: '2020-05-20', childOrder: '二孩' },
    disability: { category: '肢体', level: '三级', isMinor: true, guardianName: '测试监护人', guardianIdNumber: '360121194010010024' },
    veteran: { personType: '退役军人', dischargeDate: '1990-12-01' },
    housing: { landArea: 120, buildingFloors: 2, buildType: '原址翻建', villageOpinion: true },
    legal: { disputeType: '邻里纠纷', summary: '宅基地边界有争议，请求调解。' },
    employment: { education: '高中/中专', unemployedSince: '2025-11-01', wantsTraining: true },
    generic: { request: '申请办理该事项。' },
  };
  const agent: Json = proxyAllowed ? { byAgent: true, agentName: '代办员', agentIdNumber: '360121194010010024', agentPhone: '13900000000', agentRelation: '村代办员' } : {};
  return { ...applicant, ...byKind[kind], ...agent };
}
