/** The R&D efficiency page's words, zh and en. */
import { useI18n } from "../i18n";

const TEXT = {
  title: ["研发效率", "R&D efficiency"],
  intro: [
    "研发投入 → 专利申请 → 授权 → 转化 → 新产品销售额，按技术领域和年份看投入换来了什么、隔多久见效；各项目预算执行与超支；专利从申请到授权要多久；每件授权发明专利对应多少研发投入。",
    "R&D spend → patent applications → grants → commercialisation → new-product revenue, per technology field and year: what the spend bought and how long it took; budget against actual per project; how long patents take to be granted; R&D spend per granted invention patent.",
  ],
  field: ["技术领域", "Tech field"],
  allFields: ["全部领域", "All fields"],
  spend: ["研发投入", "R&D spend"],
  costPerPatent: ["单件发明专利研发投入", "Spend per invention patent"],
  grantMonths: ["平均授权周期", "Average months to grant"],
  months: ["{n} 个月", "{n} months"],
  overBudget: ["超预算项目", "Projects over budget"],
  aheadOfPlan: ["花钱快于计划", "Spending ahead of plan"],
  commercialization: ["专利产业化率", "Commercialisation rate"],
  funnel: ["研发漏斗（按技术领域）", "The funnel by technology field"],
  funnelHelp: [
    "各环节按各自的日期归属年份：投入按费用月份，申请按申请日，授权与转化按授权日，新产品销售额按下单日期（按服务该产品线的已产业化项目的投入拆分到领域）。",
    "Each stage is dated by its own date: spend by expense month, applications by filing date, grants and commercialisation by grant date, new-product revenue by order date (split to fields by the spend of the industrialised projects serving each product line).",
  ],
  applied: ["专利申请", "Applied"],
  granted: ["专利授权", "Granted"],
  commercialized: ["已转化", "Commercialised"],
  inventionGranted: ["发明授权", "Invention granted"],
  newRevenue: ["新产品销售额", "New-product revenue"],
  year: ["年份", "Year"],
  lags: ["隔多久见效（滞后）", "How long it takes (lags)"],
  lagsHelp: [
    "把每个领域每季度的投入与若干季度之后的产出对齐，扣除各领域自身水平和各季度共同起伏后看相关性；最高的那个滞后就是「最对得上」的间隔。相关性低于 0.3 时不下结论。",
    "Each field's spend in a quarter is lined up with its output some quarters later, after removing each field's own level and each quarter's common swing; the lag with the highest correlation is the best match. Below 0.3 no lag is claimed.",
  ],
  lagAxis: ["滞后（季度）", "Lag (quarters)"],
  budget: ["预算执行", "Budget against actual"],
  budgetHelp: [
    "执行率 = 数据中记录的累计研发投入 ÷ 项目预算，超过 100% 即超预算。进度比 = 投入 ÷ 按计划工期均匀花钱到今天应花的钱；在研项目超过 110% 即「快于计划」。立项早于数据起点的项目只比较数据期内的部分。",
    "Execution = R&D spend recorded so far ÷ budget; above 100% is over budget. Pace = spend ÷ what an even spend over the planned life would have used by now; a running project above 110% is ahead of plan. Projects begun before the data starts are compared over the part inside the data.",
  ],
  showAll: ["显示全部项目", "Show all projects"],
  project: ["项目", "Project"],
  status: ["状态", "Status"],
  budgetCol: ["预算", "Budget"],
  execution: ["执行率", "Execution"],
  pace: ["进度比", "Pace"],
  flag: ["提示", "Flag"],
  partial: ["数据期前已立项", "Began before the data"],
  grantTime: ["从申请到授权要多久", "Time from application to grant"],
  byType: ["按专利类型", "By patent type"],
  byField: ["按技术领域", "By technology field"],
  link: ["新产品销售额如何拆分到技术领域", "How new-product revenue is split to fields"],
  basis_industrialized: ["按已产业化项目的投入", "by the spend of industrialised projects"],
  basis_all_projects: ["按全部项目的投入（该产品线没有已产业化项目）", "by the spend of all projects (no industrialised project)"],
  basis_none: ["没有项目服务该产品线，不拆分", "no project serves this line; not split"],
  unattributed: ["未能拆分的新产品销售额：{v}", "New-product revenue not split: {v}"],
  none: ["（无）", "(none)"],
  industry: ["行业与本公司的专利申请（同一期间）", "Patent applications, the industry and the company (same period)"],
  industryApps: ["行业申请", "Industry"],
  companyApps: ["本公司申请", "Company"],
  companyShare: ["本公司占比", "Company share"],
} as const;

export type EfficiencyKey = keyof typeof TEXT;

export function useEfficiencyText() {
  const { lang } = useI18n();
  return (key: EfficiencyKey, vars?: Record<string, string | number>) => {
    let s: string = TEXT[key][lang === "en" ? 1 : 0];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}
