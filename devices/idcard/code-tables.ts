/** Code tables used on the card's text block. Source: ../../../shared/specs/id-card-sam.md, "Code tables". */

export type Sex = 'male' | 'female' | 'unknown' | 'unspecified';

/** GB/T 2261.1 sex code: 0 unknown, 1 male, 2 female, 9 unspecified. Anything else is null (reported as invalid). */
export function sexFromCode(code: string): Sex | null {
  switch (code) {
    case '0':
      return 'unknown';
    case '1':
      return 'male';
    case '2':
      return 'female';
    case '9':
      return 'unspecified';
    default:
      return null;
  }
}

export function sexToCode(sex: Sex): string {
  return { unknown: '0', male: '1', female: '2', unspecified: '9' }[sex];
}

/** 民族 (GB 3304) two-digit codes. */
export const NATIONS: Readonly<Record<string, string>> = {
  '01': '汉', '02': '蒙古', '03': '回', '04': '藏', '05': '维吾尔', '06': '苗', '07': '彝', '08': '壮',
  '09': '布依', '10': '朝鲜', '11': '满', '12': '侗', '13': '瑶', '14': '白', '15': '土家', '16': '哈尼',
  '17': '哈萨克', '18': '傣', '19': '黎', '20': '傈僳', '21': '佤', '22': '畲', '23': '高山', '24': '拉祜',
  '25': '水', '26': '东乡', '27': '纳西', '28': '景颇', '29': '柯尔克孜', '30': '土', '31': '达斡尔',
  '32': '仫佬', '33': '羌', '34': '布朗', '35': '撒拉', '36': '毛南', '37': '仡佬', '38': '锡伯', '39': '阿昌',
  '40': '普米', '41': '塔吉克', '42': '怒', '43': '乌孜别克', '44': '俄罗斯', '45': '鄂温克', '46': '德昂',
  '47': '保安', '48': '裕固', '49': '京', '50': '塔塔尔', '51': '独龙', '52': '鄂伦春', '53': '赫哲',
  '54': '门巴', '55': '珞巴', '56': '基诺', '97': '其他', '98': '外国血统中国籍人士',
};

/** Chinese name of a 民族 code, or null when the code is not in the table. */
export function nationName(code: string): string | null {
  return NATIONS[code] ?? null;
}

/** The valid-to field of a card that does not expire, as the card holds it. */
export const LONG_TERM_ON_CARD = '长期';
