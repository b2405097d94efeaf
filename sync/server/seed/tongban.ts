// 通办 demo data: the division registry (a subset of GB/T 2260, the same rows migration
// 021_tongban.sql loads into `divisions`) and the scope of the demo catalog's 高频事项. The items
// marked 跨省通办 follow the national list of 高频政务服务事项跨省通办 (社保卡, 养老保险关系转移,
// 异地就医备案, 失业登记, 生育登记, 残疾人证, 优待证 …); 省内通办 items are the province's own.
import type { ServiceItemTongban, TongbanBasis } from '../../protocol/index';

export interface DivisionRow {
  code: string;
  /** Short name (南山区). */
  name: string;
  /** Full name with province and prefecture (广东省深圳市南山区). */
  fullName: string;
  level: 'province' | 'prefecture' | 'county';
}

/** Keep in step with sync/server/migrations/021_tongban.sql (a test compares them). */
export const DEMO_DIVISIONS: DivisionRow[] = [
  { code: '360000', name: '江西省', fullName: '江西省', level: 'province' },
  { code: '360100', name: '南昌市', fullName: '江西省南昌市', level: 'prefecture' },
  { code: '360102', name: '东湖区', fullName: '江西省南昌市东湖区', level: 'county' },
  { code: '360121', name: '南昌县', fullName: '江西省南昌市南昌县', level: 'county' },
  { code: '360124', name: '进贤县', fullName: '江西省南昌市进贤县', level: 'county' },
  { code: '360400', name: '九江市', fullName: '江西省九江市', level: 'prefecture' },
  { code: '360402', name: '濂溪区', fullName: '江西省九江市濂溪区', level: 'county' },
  { code: '360700', name: '赣州市', fullName: '江西省赣州市', level: 'prefecture' },
  { code: '360702', name: '章贡区', fullName: '江西省赣州市章贡区', level: 'county' },
  { code: '360731', name: '于都县', fullName: '江西省赣州市于都县', level: 'county' },
  { code: '361100', name: '上饶市', fullName: '江西省上饶市', level: 'prefecture' },
  { code: '361102', name: '信州区', fullName: '江西省上饶市信州区', level: 'county' },
  { code: '330000', name: '浙江省', fullName: '浙江省', level: 'province' },
  { code: '330100', name: '杭州市', fullName: '浙江省杭州市', level: 'prefecture' },
  { code: '330106', name: '西湖区', fullName: '浙江省杭州市西湖区', level: 'county' },
  { code: '350000', name: '福建省', fullName: '福建省', level: 'province' },
  { code: '350200', name: '厦门市', fullName: '福建省厦门市', level: 'prefecture' },
  { code: '350206', name: '湖里区', fullName: '福建省厦门市湖里区', level: 'county' },
  { code: '430000', name: '湖南省', fullName: '湖南省', level: 'province' },
  { code: '430100', name: '长沙市', fullName: '湖南省长沙市', level: 'prefecture' },
  { code: '430104', name: '岳麓区', fullName: '湖南省长沙市岳麓区', level: 'county' },
  { code: '440000', name: '广东省', fullName: '广东省', level: 'province' },
  { code: '440100', name: '广州市', fullName: '广东省广州市', level: 'prefecture' },
  { code: '440106', name: '天河区', fullName: '广东省广州市天河区', level: 'county' },
  { code: '440300', name: '深圳市', fullName: '广东省深圳市', level: 'prefecture' },
  { code: '440305', name: '南山区', fullName: '广东省深圳市南山区', level: 'county' },
];

const JIANGXI_COUNTIES = ['360121', '360102', '360124', '360402', '360702', '360731', '361102'];
/** Where many of the province's residents work away from home (the demo's 跨省通办 partners). */
const PARTNER_COUNTIES = ['440305', '440106', '330106', '350206', '430104'];

const divisions = (codes: string[]) =>
  codes.map((code) => {
    const d = DEMO_DIVISIONS.find((x) => x.code === code);
    if (!d) throw new Error(`demo division ${code} is not in the registry`);
    return { code, name: d.fullName };
  });

const cross = (basis: TongbanBasis): ServiceItemTongban => ({ scope: 'cross_province', basis, divisions: divisions([...JIANGXI_COUNTIES, ...PARTNER_COUNTIES]) });
const province = (basis: TongbanBasis): ServiceItemTongban => ({ scope: 'province', basis, divisions: divisions(JIANGXI_COUNTIES) });

/** 通办 of the demo catalog's items, by item code; items not listed are handled locally only. */
export const DEMO_TONGBAN: Record<string, ServiceItemTongban> = {
  // 跨省通办 (高频事项)
  RS03: cross('insured_place'), // 养老保险关系转移接续
  RS08: cross('insured_place'), // 社会保障卡申领
  RS10: cross('insured_place'), // 社会保障卡补领、换领、换发
  RS12: cross('residence'), // 失业登记
  RS14: cross('insured_place'), // 社会保险个人基本信息变更
  YB06: cross('insured_place'), // 异地长期居住人员备案（异地就医）
  WJ01: cross('household'), // 生育登记
  CL03: cross('issuing_place'), // 残疾人证挂失补办
  CL04: cross('issuing_place'), // 残疾人证换领
  CL05: cross('household'), // 残疾人证迁移
  TY01: cross('household'), // 优待证申领
  // 省内通办
  MZ01: province('household'), // 最低生活保障
  MZ06: province('household'), // 高龄津贴
  RS01: province('household'), // 城乡居民养老保险参保登记
  RS02: province('insured_place'), // 城乡居民养老保险待遇申领
};
