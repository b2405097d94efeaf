/**
 * Writes renderer/kiosk/ime/lexicon.generated.json: the phrases the kiosk's pinyin input offers
 * besides the catalog's own names. pinyin-pro gives the readings (at build time only, so the
 * renderer does not ship its 300 kB dictionary); place names whose local reading differs from the
 * common one are fixed in READINGS.
 *
 *   node --import tsx scripts/gen-ime-lexicon.ts          (write)
 *   node --import tsx scripts/gen-ime-lexicon.ts --check  (exit 1 when the file is stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pinyin } from 'pinyin-pro';

export const OUTPUT = fileURLToPath(new URL('../renderer/kiosk/ime/lexicon.generated.json', import.meta.url));

/** Words residents write on township forms, in rough order of use. */
const WORDS: Record<string, string> = {
  places: `江西省 江西 南昌市 南昌 景德镇市 景德镇 萍乡市 萍乡 九江市 九江 新余市 新余 鹰潭市 鹰潭 赣州市 赣州 吉安市 吉安
    宜春市 宜春 抚州市 抚州 上饶市 上饶 南昌县 进贤县 进贤 安义县 安义 新建区 新建 青山湖区 东湖区 西湖区 青云谱区 红谷滩区
    浮梁县 浮梁 乐平市 乐平 昌江区 珠山区 莲花县 上栗县 芦溪县 湘东区 安源区 庐山市 瑞昌市 共青城市 修水县 修水 武宁县 永修县
    德安县 都昌县 湖口县 彭泽县 柴桑区 濂溪区 浔阳区 分宜县 渝水区 贵溪市 余江区 月湖区 瑞金市 瑞金 龙南市 章贡区 南康区
    赣县区 信丰县 大余县 上犹县 崇义县 安远县 定南县 全南县 宁都县 于都县 兴国县 会昌县 寻乌县 石城县 井冈山市 井冈山
    吉州区 青原区 吉安县 吉水县 峡江县 新干县 永丰县 泰和县 遂川县 万安县 安福县 永新县 袁州区 丰城市 樟树市 高安市
    奉新县 万载县 上高县 宜丰县 靖安县 铜鼓县 临川区 东乡区 南城县 黎川县 南丰县 崇仁县 乐安县 宜黄县 金溪县 资溪县
    广昌县 信州区 广丰区 广信区 德兴市 玉山县 铅山县 横峰县 弋阳县 余干县 鄱阳县 万年县 婺源县 婺源 鄱阳湖 赣江`,
  address: `省 市 县 区 乡 镇 村 组 街道 社区 村委会 居委会 村民小组 路 街 号 栋 单元 室 楼 小区 大道 巷 弄 自然村 新村 老街 中心 工业园`,
  relations: `本人 配偶 丈夫 妻子 父亲 母亲 儿子 女儿 儿媳 女婿 爷爷 奶奶 外公 外婆 孙子 孙女 外孙 外孙女 哥哥 弟弟 姐姐 妹妹
    兄弟 姐妹 亲属 朋友 邻居 监护人 代理人 村干部 网格员`,
  forms: `身份证 户口本 户口簿 户籍 结婚证 离婚证 出生证明 死亡证明 残疾证 残疾人 低保 特困 五保 医保 居民医保 养老保险 社保
    社保卡 住院 门诊 大病 慢性病 务工 外出务工 种植 养殖 务农 农业 无业 失业 退休 学生 在校 困难 家庭 收入 年收入 房屋
    危房 宅基地 建房 申请 补贴 救助 原因 情况 说明 地址 电话 手机 工作 单位 学校 医院 银行 账号 开户行 农商银行 邮政储蓄
    农业银行 建设银行 工商银行 中国银行 本科 大专 高中 初中 小学 文盲 汉族 已婚 未婚 离异 丧偶 男 女 健康 良好 一般 较差
    生病 治疗 看病 药费 医疗费 学费 生活费 子女 老人 独居 留守 儿童 孤儿 事故 火灾 洪灾 受灾 因病致贫 因学致贫 无劳动能力
    劳动能力 丧失 部分 全部 无 有 是 否 不是 没有 其他 以上 以下 每月 每年 一次 多次`,
  comments: `服务 态度 很好 非常好 不好 满意 不满意 等待 时间 太长 太久 排队 效率 很高 太低 办事 流程 麻烦 复杂 简单 方便 快 慢
    工作人员 耐心 热情 冷淡 谢谢 感谢 材料 太多 跑了 好几次 网上 机器 操作 不会用 看不清 字太小 声音 太小 建议 希望 改进
    窗口 人太多 没人 不在 一次办好 最多跑一次 指引 清楚 不清楚 解释 没说清楚`,
};

/** Local readings pinyin-pro gets wrong (都 is dū in place names). */
const READINGS: Record<string, string> = {
  都昌县: 'du chang xian',
  都昌: 'du chang',
  宁都县: 'ning du xian',
  于都县: 'yu du xian',
  铅山县: 'yan shan xian',
};

export type LexiconEntry = [pinyin: string, initials: string, phrase: string];

export function buildLexicon(): LexiconEntry[] {
  const seen = new Set<string>();
  const out: LexiconEntry[] = [];
  for (const group of Object.values(WORDS)) {
    for (const word of group.split(/\s+/)) {
      if (!word || seen.has(word)) continue;
      seen.add(word);
      const syllables = (READINGS[word] ?? pinyin(word, { toneType: 'none', type: 'array', v: true }).join(' ')).split(' ');
      out.push([syllables.join(''), syllables.map((s) => s[0]).join(''), word]);
    }
  }
  return out;
}

export function render(entries: LexiconEntry[]): string {
  return `[\n${entries.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = render(buildLexicon());
  if (process.argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current !== text) {
      console.error(`${OUTPUT} is stale: run node --import tsx scripts/gen-ime-lexicon.ts`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${OUTPUT}`);
  }
}
