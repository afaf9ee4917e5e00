import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

/**
 * UI text in Chinese and English. Each page keeps its own messages next to
 * its code (`messages(en, zh)`: the type makes the two agree key for key);
 * the domain's vocabulary and field names, which every page shows, are here.
 */
export type Language = 'zh' | 'en';

export interface Messages<K extends string> {
  readonly en: Readonly<Record<K, string>>;
  readonly zh: Readonly<Record<K, string>>;
}
export const messages = <K extends string>(en: Record<K, string>, zh: Record<K, string>): Messages<K> => ({ en, zh });

/** Chinese when the browser lists a Chinese language before any English one. */
export const preferredLanguage = (browser: readonly string[]): Language => {
  const first = browser.find((tag) => /^(zh|en)\b/i.test(tag));
  return first?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
};

const STORAGE_KEY = 'redress.language';

interface LanguageContextValue {
  readonly language: Language;
  setLanguage(language: Language): void;
}
const LanguageContext = createContext<LanguageContextValue>({ language: 'en', setLanguage: () => undefined });

export const LanguageProvider = ({ children }: { children: ReactNode }) => {
  const [language, setState] = useState<Language>(() => {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'zh' || stored === 'en' ? stored : preferredLanguage(navigator.languages ?? [navigator.language]);
  });
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setState(next);
  }, []);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  const value = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
};

export const useLanguage = () => useContext(LanguageContext);

const fill = (text: string, vars?: Readonly<Record<string, string | number>>): string =>
  vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;

/** `t(key, {n: 3})` for a module's messages, in the chosen language. */
export const useMessages = <K extends string>(table: Messages<K>) => {
  const { language } = useLanguage();
  return useCallback((key: K, vars?: Readonly<Record<string, string | number>>) => fill(table[language][key] ?? key, vars), [table, language]);
};

/** The domain's words: statuses, categories, channels, event types, roles and the rest, by their api value. */
const VOCABULARY_ZH: Readonly<Record<string, string>> = {
  // complaint status
  received: '已接收',
  acknowledged: '已确认',
  classified: '已分类',
  assigned: '已指派',
  investigating: '调查中',
  resolution_proposed: '方案已提出',
  resolution_approved: '方案已批准',
  implemented: '已执行',
  followed_up: '已回访',
  closed: '已结案',
  rejected: '已驳回',
  withdrawn: '已撤回',
  // channel
  phone: '电话',
  email: '邮件',
  web: '网站',
  chat: '在线客服',
  social: '社交媒体',
  in_store: '门店',
  app: '应用',
  letter: '信函',
  referral: '转介',
  // customer type
  individual: '个人',
  business: '企业',
  vip: 'VIP',
  government: '政府',
  other: '其他',
  // category
  product_quality: '产品质量',
  service_attitude: '服务态度',
  billing: '计费',
  logistics: '物流',
  privacy: '隐私',
  // severity, urgency
  low: '低',
  medium: '中',
  high: '高',
  critical: '严重',
  urgent: '紧急',
  general: '一般',
  normal: '普通',
  // outcome, rejection
  resolved: '已解决',
  partially_resolved: '部分解决',
  unresolved: '未解决',
  out_of_scope: '不属受理范围',
  duplicate: '重复投诉',
  abusive: '恶意投诉',
  insufficient_information: '信息不足',
  // remedies, follow-up, contacts
  apology: '道歉',
  explanation: '解释',
  refund: '退款',
  compensation: '赔偿',
  coupon: '优惠券',
  exchange: '换货',
  repair: '维修',
  correction: '更正',
  survey: '问卷',
  online: '线上',
  inbound: '来电/来访',
  outbound: '去电/回访',
  // rectification status, review
  dispatched: '已分派',
  accepted: '整改中',
  feedback_submitted: '已反馈',
  approved: '审核通过',
  returned: '退回',
  confirmed: '已确认',
  // roles
  intake: '受理',
  handler: '处理人',
  supervisor: '主管',
  department: '责任部门',
  analysis: '投诉分析',
  auditor: '审计',
  analyst: '分析员',
  admin: '管理员',
  integration: '系统集成',
  system: '系统',
};

const EVENTS_ZH: Readonly<Record<string, string>> = {
  ComplaintReceived: '接收投诉',
  ComplaintAcknowledged: '确认投诉',
  ComplaintClassified: '评估分类',
  ComplaintAssigned: '指派负责人',
  ComplaintReassigned: '重新指派',
  InvestigationNoteAdded: '调查记录',
  RootCauseIdentified: '根因分析',
  ResolutionProposed: '提出方案',
  ResolutionApproved: '批准方案',
  ResolutionDeclined: '驳回方案',
  ResolutionImplemented: '执行方案',
  ContactRecorded: '联系记录',
  FollowUpRecorded: '回访',
  ComplaintClosed: '结案归档',
  ComplaintReopened: '重新打开',
  ComplaintRejected: '驳回投诉',
  ComplaintWithdrawn: '撤回投诉',
  ComplaintEscalated: '升级',
  SlaBreached: '超时',
  RectificationLinked: '关联整改',
  PersonalDataErased: '个人信息已删除',
  RectificationDispatched: '问题分派',
  RectificationAccepted: '问题解决',
  RectificationFeedbackSubmitted: '解决情况反馈',
  RectificationReviewed: '审核',
  RectificationConfirmed: '确认',
  RectificationOverdue: '整改逾期',
  ComplainantDataErased: '投诉人信息删除',
  SlaPolicyDefined: '时限策略',
  WeightingPolicyDefined: '权重策略',
};

/** Field names as the api spells them, in Chinese; English splits the camelCase. */
const FIELDS_ZH: Readonly<Record<string, string>> = {
  channel: '渠道',
  complainant: '投诉人',
  name: '姓名',
  contact: '联系方式',
  customerType: '客户类型',
  anonymous: '匿名',
  id: '编号',
  subject: '主题',
  content: '投诉内容',
  product: '产品',
  region: '地区',
  externalRef: '外部编号',
  receivedAt: '接收时间',
  language: '语言',
  message: '留言',
  category: '分类',
  severity: '严重程度',
  urgency: '紧急程度',
  department: '部门',
  assignee: '负责人',
  note: '备注',
  evidence: '证据',
  description: '描述',
  substantiated: '属实',
  attributedTo: '责任归属',
  staff: '员工',
  summary: '摘要',
  remedies: '补救措施',
  type: '类型',
  amount: '金额',
  currency: '币种',
  reason: '原因',
  notifiedVia: '通知方式',
  direction: '方向',
  satisfaction: '满意度',
  method: '方式',
  comment: '意见',
  outcome: '结果',
  explanation: '说明',
  duplicateOf: '重复于',
  level: '级别',
  problem: '问题',
  sourceComplaintIds: '来源投诉',
  suggestion: '整改建议',
  deadline: '整改期限',
  measures: '整改措施',
  responsiblePerson: '责任人',
  plannedCompletion: '计划完成时间',
  resolved: '已解决',
  result: '解决情况',
  reasonUnresolved: '未解决原因',
  decision: '审核结论',
  opinion: '审核意见',
  effective: '整改有效',
  status: '状态',
  handler: '处理人',
  rootCause: '根因',
  period: '期间',
  acknowledge: '确认',
  classify: '分类',
  resolution_proposed: '提出方案',
  final_response: '最终答复',
};

const words = (name: string): string => name.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/** Labels for api values: `word('closed')`, `eventName('ComplaintClosed')`, `field('customerType')`. */
export const useVocabulary = () => {
  const { language } = useLanguage();
  return useMemo(() => {
    const zh = language === 'zh';
    return {
      word: (value: string | null | undefined): string => (value === null || value === undefined ? '—' : zh ? (VOCABULARY_ZH[value] ?? value) : words(value)),
      eventName: (type: string): string => (zh ? (EVENTS_ZH[type] ?? type) : words(type)),
      field: (name: string): string => (zh ? (FIELDS_ZH[name] ?? name) : words(name)),
    };
  }, [language]);
};

/** Times and durations in the chosen language. */
export const useFormat = () => {
  const { language } = useLanguage();
  return useMemo(() => {
    const locale = language === 'zh' ? 'zh-CN' : 'en-GB';
    const time = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    /** 3 d 4 h, 5 h 20 m, 12 m: the two largest units. */
    const duration = (seconds: number): string => {
      const units: Array<[number, string, string]> = [
        [86_400, 'd', '天'],
        [3600, 'h', '小时'],
        [60, 'm', '分'],
      ];
      const parts: string[] = [];
      let rest = Math.round(Math.abs(seconds));
      for (const [size, en, zh] of units) {
        const count = Math.floor(rest / size);
        rest -= count * size;
        if (count > 0 && parts.length < 2) parts.push(language === 'zh' ? `${count}${zh}` : `${count} ${en}`);
      }
      return parts.length === 0 ? (language === 'zh' ? '不到1分' : '< 1 m') : parts.join(' ');
    };
    return {
      time: (iso: string | null | undefined) => (iso ? time.format(new Date(iso)) : '—'),
      number: (value: number | null | undefined) => (value === null || value === undefined ? '—' : number.format(value)),
      percent: (value: number | null | undefined) => (value === null || value === undefined ? '—' : percent.format(value)),
      duration,
    };
  }, [language]);
};

/** The contracts' validation messages (the same codecs check forms in the browser and bodies in the api), in Chinese. */
const PROBLEMS_ZH: ReadonlyArray<[RegExp, (match: RegExpExecArray) => string]> = [
  [/^is required$/, () => '必填'],
  [/^must not be empty$/, () => '不能为空'],
  [/^must be at most (\d+) characters$/, (m) => `最多 ${m[1]} 个字符`],
  [/^must be one of /, () => '请从列表中选择'],
  [/^must be a whole number from (-?\d+) to (-?\d+)$/, (m) => `须为 ${m[1]} 到 ${m[2]} 的整数`],
  [/^must be a number$/, () => '须为数字'],
  [/^must be an amount from 0 to ([\d.]+)/, (m) => `须为 0 到 ${m[1]} 的金额，最多两位小数`],
  [/^must be an ISO 4217 code/, () => '须为 ISO 4217 币种代码，如 CNY'],
  [/^must be an ISO-8601 time/, () => '须为有效的日期时间'],
  [/^must be a UUID$/, () => '须为 UUID 编号'],
  [/^must have (\d+) to (\d+) items$/, (m) => `须有 ${m[1]} 到 ${m[2]} 项`],
  [/^is not a known field$/, () => '不是已知字段'],
  [/^is not valid$/, () => '无效'],
];

export const useProblemText = () => {
  const { language } = useLanguage();
  return useCallback(
    (message: string): string => {
      if (language !== 'zh') return message;
      for (const [pattern, say] of PROBLEMS_ZH) {
        const match = pattern.exec(message);
        if (match) return say(match);
      }
      return message;
    },
    [language],
  );
};
