/**
 * The fixed words of the formal document that are not in the catalogue: the headings of the
 * sub-fields inside an element (a person's name, an identifier's kind...) and the names of the
 * values drafts choose from a list (roles, identifier kinds, urgency levels...), in the six
 * languages. Element labels, request type titles and offence titles come from the catalogue.
 *
 * Kept short and neutral: these are form headings, not legal text.
 */
import type { Locale, LocalizedText } from '../core/i18n.ts';
import type {
  ASSISTANCE_KINDS,
  DATA_CATEGORIES,
  REPLY_MEANS,
  IDENTIFIER_KINDS,
  PERSON_ROLES,
  URGENCY_LEVELS,
} from '../core/request/draft.ts';

export const FIELD_LABELS = {
  heading: {
    ar: 'طلب بموجب اتفاقية الأمم المتحدة لمكافحة الجريمة السيبرانية',
    zh: '根据《联合国打击网络犯罪公约》提出的请求',
    en: 'Request under the United Nations Convention against Cybercrime',
    fr: 'Demande au titre de la Convention des Nations Unies contre la cybercriminalité',
    ru: 'Запрос в соответствии с Конвенцией Организации Объединённых Наций против киберпреступности',
    es: 'Solicitud en virtud de la Convención de las Naciones Unidas contra la Ciberdelincuencia',
  },
  caseReference: {
    ar: 'مرجع القضية',
    zh: '案件编号',
    en: 'Case reference',
    fr: 'Référence du dossier',
    ru: 'Номер дела',
    es: 'Referencia del caso',
  },
  state: { ar: 'الدولة', zh: '国家', en: 'State', fr: 'État', ru: 'Государство', es: 'Estado' },
  authorityName: { ar: 'الاسم', zh: '名称', en: 'Name', fr: 'Nom', ru: 'Наименование', es: 'Nombre' },
  personName: { ar: 'الاسم', zh: '姓名', en: 'Name', fr: 'Nom', ru: 'Имя', es: 'Nombre' },
  contact: {
    ar: 'جهة الاتصال',
    zh: '联系方式',
    en: 'Contact',
    fr: 'Contact',
    ru: 'Контактные данные',
    es: 'Contacto',
  },
  functions: { ar: 'الوظائف', zh: '职能', en: 'Functions', fr: 'Fonctions', ru: 'Функции', es: 'Funciones' },
  conventionArticle: {
    ar: 'مادة الاتفاقية',
    zh: '公约条款',
    en: 'Convention article',
    fr: 'Article de la Convention',
    ru: 'Статья Конвенции',
    es: 'Artículo de la Convención',
  },
  domesticProvision: {
    ar: 'النص القانوني الوطني',
    zh: '国内法律规定',
    en: 'Domestic provision',
    fr: 'Disposition de droit interne',
    ru: 'Норма национального права',
    es: 'Disposición de derecho interno',
  },
  maximumPenalty: {
    ar: 'العقوبة القصوى',
    zh: '最高刑罚',
    en: 'Maximum penalty',
    fr: 'Peine maximale',
    ru: 'Максимальное наказание',
    es: 'Pena máxima',
  },
  lifeImprisonment: {
    ar: 'السجن المؤبد',
    zh: '无期徒刑',
    en: 'Life imprisonment',
    fr: 'Réclusion à perpétuité',
    ru: 'Пожизненное лишение свободы',
    es: 'Cadena perpetua',
  },
  description: {
    ar: 'الوصف',
    zh: '说明',
    en: 'Description',
    fr: 'Description',
    ru: 'Описание',
    es: 'Descripción',
  },
  role: { ar: 'الصفة', zh: '身份', en: 'Role', fr: 'Qualité', ru: 'Статус', es: 'Calidad' },
  dateOfBirth: {
    ar: 'تاريخ الميلاد',
    zh: '出生日期',
    en: 'Date of birth',
    fr: 'Date de naissance',
    ru: 'Дата рождения',
    es: 'Fecha de nacimiento',
  },
  nationality: {
    ar: 'الجنسية',
    zh: '国籍',
    en: 'Nationality',
    fr: 'Nationalité',
    ru: 'Гражданство',
    es: 'Nacionalidad',
  },
  location: {
    ar: 'المكان',
    zh: '所在地',
    en: 'Location',
    fr: 'Localisation',
    ru: 'Местонахождение',
    es: 'Ubicación',
  },
  identityDocument: {
    ar: 'وثيقة الهوية',
    zh: '身份证件',
    en: 'Identity document',
    fr: "Pièce d'identité",
    ru: 'Документ, удостоверяющий личность',
    es: 'Documento de identidad',
  },
  kind: { ar: 'النوع', zh: '类型', en: 'Kind', fr: 'Type', ru: 'Вид', es: 'Tipo' },
  value: { ar: 'القيمة', zh: '值', en: 'Value', fr: 'Valeur', ru: 'Значение', es: 'Valor' },
  service: {
    ar: 'الخدمة أو الشبكة',
    zh: '服务或网络',
    en: 'Service or network',
    fr: 'Service ou réseau',
    ru: 'Сервис или сеть',
    es: 'Servicio o red',
  },
  port: {
    ar: 'منفذ المصدر',
    zh: '源端口',
    en: 'Source port',
    fr: 'Port source',
    ru: 'Порт источника',
    es: 'Puerto de origen',
  },
  observedAt: {
    ar: 'وقت الرصد',
    zh: '观察时间',
    en: 'Observed at',
    fr: 'Observé le',
    ru: 'Время наблюдения',
    es: 'Observado el',
  },
  timeZoneNotStated: {
    ar: 'المنطقة الزمنية غير محددة',
    zh: '未注明时区',
    en: 'time zone not stated',
    fr: 'fuseau horaire non indiqué',
    ru: 'часовой пояс не указан',
    es: 'zona horaria no indicada',
  },
  note: { ar: 'ملاحظة', zh: '备注', en: 'Note', fr: 'Note', ru: 'Примечание', es: 'Nota' },
  categories: {
    ar: 'فئات البيانات',
    zh: '数据类别',
    en: 'Categories of data',
    fr: 'Catégories de données',
    ru: 'Категории данных',
    es: 'Categorías de datos',
  },
  relationToOffence: {
    ar: 'صلة البيانات بالجريمة',
    zh: '数据与犯罪的关联',
    en: 'Relation to the offence',
    fr: "Lien avec l'infraction",
    ru: 'Связь с преступлением',
    es: 'Relación con el delito',
  },
  period: { ar: 'الفترة', zh: '期间', en: 'Period', fr: 'Période', ru: 'Период', es: 'Período' },
  justification: {
    ar: 'المبرر',
    zh: '理由',
    en: 'Justification',
    fr: 'Justification',
    ru: 'Обоснование',
    es: 'Justificación',
  },
  reasons: { ar: 'الأسباب', zh: '原因', en: 'Reasons', fr: 'Motifs', ru: 'Причины', es: 'Motivos' },
  level: { ar: 'الدرجة', zh: '级别', en: 'Level', fr: 'Niveau', ru: 'Степень', es: 'Nivel' },
  confidentialityRequired: {
    ar: 'السرية مطلوبة',
    zh: '需要保密',
    en: 'Confidentiality required',
    fr: 'Confidentialité requise',
    ru: 'Требуется конфиденциальность',
    es: 'Se requiere confidencialidad',
  },
  until: { ar: 'حتى', zh: '截至', en: 'Until', fr: "Jusqu'au", ru: 'До', es: 'Hasta' },
  userNotificationBarred: {
    ar: 'يُمنع إخطار المستخدم',
    zh: '不得通知用户',
    en: 'User may not be notified',
    fr: "L'utilisateur ne doit pas être informé",
    ru: 'Пользователя не уведомлять',
    es: 'No se notificará al usuario',
  },
  date: { ar: 'التاريخ', zh: '日期', en: 'Date', fr: 'Date', ru: 'Дата', es: 'Fecha' },
  reference: { ar: 'المرجع', zh: '编号', en: 'Reference', fr: 'Référence', ru: 'Номер', es: 'Referencia' },
  requestType: {
    ar: 'نوع الطلب',
    zh: '请求类型',
    en: 'Type of request',
    fr: 'Type de demande',
    ru: 'Вид запроса',
    es: 'Tipo de solicitud',
  },
  issuedBy: {
    ar: 'الجهة المصدرة',
    zh: '签发机关',
    en: 'Issued by',
    fr: 'Délivré par',
    ru: 'Кем выдан',
    es: 'Expedido por',
  },
  provisionalArrest: {
    ar: 'مطلوب القبض المؤقت',
    zh: '请求临时逮捕',
    en: 'Provisional arrest sought',
    fr: 'Arrestation provisoire demandée',
    ru: 'Запрашивается предварительный арест',
    es: 'Se solicita la detención provisional',
  },
  sentenceImposed: {
    ar: 'العقوبة المحكوم بها',
    zh: '所判刑期',
    en: 'Sentence imposed',
    fr: 'Peine prononcée',
    ru: 'Назначенное наказание',
    es: 'Pena impuesta',
  },
  sentenceRemaining: {
    ar: 'المدة المتبقية',
    zh: '剩余刑期',
    en: 'Sentence remaining',
    fr: 'Reliquat de peine',
    ru: 'Неотбытый срок',
    es: 'Pena pendiente',
  },
  estimatedValue: {
    ar: 'القيمة التقديرية',
    zh: '估计价值',
    en: 'Estimated value',
    fr: 'Valeur estimée',
    ru: 'Оценочная стоимость',
    es: 'Valor estimado',
  },
  isFinal: { ar: 'نهائي', zh: '已生效', en: 'Final', fr: 'Définitive', ru: 'Вступило в силу', es: 'Firme' },
  thirdPartiesNotice: {
    ar: 'إخطار الغير',
    zh: '对第三方的通知',
    en: 'Notice to third parties',
    fr: 'Avis aux tiers',
    ru: 'Уведомление третьих лиц',
    es: 'Notificación a terceros',
  },
  legalBasis: {
    ar: 'الأساس القانوني',
    zh: '法律依据',
    en: 'Legal basis',
    fr: 'Base juridique',
    ru: 'Правовое основание',
    es: 'Base jurídica',
  },
  measure: { ar: 'الإجراء', zh: '措施', en: 'Measure', fr: 'Mesure', ru: 'Мера', es: 'Medida' },
  contactPerson: {
    ar: 'الشخص المطلوب',
    zh: '联系人',
    en: 'Person to ask for',
    fr: 'Personne à demander',
    ru: 'Контактное лицо',
    es: 'Persona de contacto',
  },
  phone: { ar: 'الهاتف', zh: '电话', en: 'Phone', fr: 'Téléphone', ru: 'Телефон', es: 'Teléfono' },
  email: {
    ar: 'البريد الإلكتروني',
    zh: '电子邮件',
    en: 'E-mail',
    fr: 'Courriel',
    ru: 'Электронная почта',
    es: 'Correo electrónico',
  },
  officeHours: {
    ar: 'ساعات العمل',
    zh: '办公时间',
    en: 'Office hours',
    fr: 'Heures de service',
    ru: 'Часы работы',
    es: 'Horario de atención',
  },
  timeZone: {
    ar: 'المنطقة الزمنية',
    zh: '时区',
    en: 'Time zone',
    fr: 'Fuseau horaire',
    ru: 'Часовой пояс',
    es: 'Zona horaria',
  },
  preferredReply: {
    ar: 'وسيلة الرد المفضلة',
    zh: '首选答复方式',
    en: 'Preferred means of reply',
    fr: 'Moyen de réponse souhaité',
    ru: 'Предпочтительный способ ответа',
    es: 'Medio de respuesta preferido',
  },
  custodianUnknown: {
    ar: 'حائز البيانات غير معروف',
    zh: '数据保管人不明',
    en: 'Custodian not known',
    fr: 'Détenteur inconnu',
    ru: 'Хранитель неизвестен',
    es: 'Custodio desconocido',
  },
  newRequest: {
    ar: 'طلب جديد',
    zh: '新请求',
    en: 'New request',
    fr: 'Nouvelle demande',
    ru: 'Новый запрос',
    es: 'Solicitud nueva',
  },
  extensionOf: {
    ar: 'تمديد للطلب',
    zh: '延长请求',
    en: 'Extension of request',
    fr: 'Prolongation de la demande',
    ru: 'Продление запроса',
    es: 'Prórroga de la solicitud',
  },
  decisionReference: {
    ar: 'مرجع القرار',
    zh: '决定编号',
    en: 'Decision reference',
    fr: 'Référence de la décision',
    ru: 'Номер решения',
    es: 'Referencia de la decisión',
  },
  yes: { ar: 'نعم', zh: '是', en: 'Yes', fr: 'Oui', ru: 'Да', es: 'Sí' },
  no: { ar: 'لا', zh: '否', en: 'No', fr: 'Non', ru: 'Нет', es: 'No' },
} as const satisfies Record<string, LocalizedText>;

export type FieldLabelId = keyof typeof FIELD_LABELS;

export const PERSON_ROLE_NAMES: Readonly<Record<(typeof PERSON_ROLES)[number], LocalizedText>> = {
  suspect: {
    ar: 'مشتبه به',
    zh: '犯罪嫌疑人',
    en: 'Suspect',
    fr: 'Suspect',
    ru: 'Подозреваемый',
    es: 'Sospechoso',
  },
  accused: { ar: 'متهم', zh: '被告人', en: 'Accused', fr: 'Accusé', ru: 'Обвиняемый', es: 'Acusado' },
  victim: { ar: 'ضحية', zh: '被害人', en: 'Victim', fr: 'Victime', ru: 'Потерпевший', es: 'Víctima' },
  witness: { ar: 'شاهد', zh: '证人', en: 'Witness', fr: 'Témoin', ru: 'Свидетель', es: 'Testigo' },
  'account-holder': {
    ar: 'صاحب الحساب',
    zh: '账户持有人',
    en: 'Account holder',
    fr: 'Titulaire du compte',
    ru: 'Владелец учётной записи',
    es: 'Titular de la cuenta',
  },
  'person-sought': {
    ar: 'الشخص المطلوب',
    zh: '被请求移交人',
    en: 'Person sought',
    fr: 'Personne recherchée',
    ru: 'Разыскиваемое лицо',
    es: 'Persona reclamada',
  },
  other: { ar: 'أخرى', zh: '其他', en: 'Other', fr: 'Autre', ru: 'Иное', es: 'Otro' },
};

export const IDENTIFIER_KIND_NAMES: Readonly<Record<(typeof IDENTIFIER_KINDS)[number], LocalizedText>> = {
  account: { ar: 'حساب', zh: '账户', en: 'Account', fr: 'Compte', ru: 'Учётная запись', es: 'Cuenta' },
  email: {
    ar: 'بريد إلكتروني',
    zh: '电子邮件',
    en: 'E-mail',
    fr: 'Courriel',
    ru: 'Электронная почта',
    es: 'Correo electrónico',
  },
  phone: { ar: 'هاتف', zh: '电话', en: 'Phone', fr: 'Téléphone', ru: 'Телефон', es: 'Teléfono' },
  'ip-address': {
    ar: 'عنوان IP',
    zh: 'IP 地址',
    en: 'IP address',
    fr: 'Adresse IP',
    ru: 'IP-адрес',
    es: 'Dirección IP',
  },
  domain: {
    ar: 'اسم نطاق',
    zh: '域名',
    en: 'Domain name',
    fr: 'Nom de domaine',
    ru: 'Доменное имя',
    es: 'Nombre de dominio',
  },
  url: { ar: 'عنوان URL', zh: '网址', en: 'URL', fr: 'URL', ru: 'URL-адрес', es: 'URL' },
  'crypto-asset-address': {
    ar: 'عنوان أصل مشفّر',
    zh: '加密资产地址',
    en: 'Crypto-asset address',
    fr: 'Adresse de crypto-actif',
    ru: 'Адрес криптоактива',
    es: 'Dirección de criptoactivo',
  },
  imei: { ar: 'IMEI', zh: 'IMEI', en: 'IMEI', fr: 'IMEI', ru: 'IMEI', es: 'IMEI' },
  other: { ar: 'أخرى', zh: '其他', en: 'Other', fr: 'Autre', ru: 'Иное', es: 'Otro' },
};

export const DATA_CATEGORY_NAMES: Readonly<Record<(typeof DATA_CATEGORIES)[number], LocalizedText>> = {
  subscriber: {
    ar: 'معلومات المشترك',
    zh: '订户信息',
    en: 'Subscriber information',
    fr: 'Informations relatives aux abonnés',
    ru: 'Сведения об абонентах',
    es: 'Información sobre los abonados',
  },
  traffic: {
    ar: 'بيانات الحركة',
    zh: '流量数据',
    en: 'Traffic data',
    fr: 'Données relatives au trafic',
    ru: 'Данные о трафике',
    es: 'Datos relativos al tráfico',
  },
  content: {
    ar: 'بيانات المحتوى',
    zh: '内容数据',
    en: 'Content data',
    fr: 'Données relatives au contenu',
    ru: 'Данные о содержании',
    es: 'Datos relativos al contenido',
  },
};

export const URGENCY_LEVEL_NAMES: Readonly<Record<(typeof URGENCY_LEVELS)[number], LocalizedText>> = {
  routine: { ar: 'عادي', zh: '一般', en: 'Routine', fr: 'Ordinaire', ru: 'Обычный', es: 'Ordinaria' },
  urgent: { ar: 'عاجل', zh: '紧急', en: 'Urgent', fr: 'Urgente', ru: 'Срочный', es: 'Urgente' },
  emergency: {
    ar: 'حالة طوارئ',
    zh: '紧急情况',
    en: 'Emergency',
    fr: "Situation d'urgence",
    ru: 'Чрезвычайная ситуация',
    es: 'Emergencia',
  },
};

export const CUSTODIAN_KIND_NAMES: Readonly<Record<'service-provider' | 'other', LocalizedText>> = {
  'service-provider': {
    ar: 'مقدم خدمة',
    zh: '服务提供商',
    en: 'Service provider',
    fr: 'Fournisseur de services',
    ru: 'Поставщик услуг',
    es: 'Proveedor de servicios',
  },
  other: { ar: 'أخرى', zh: '其他', en: 'Other', fr: 'Autre', ru: 'Иное', es: 'Otro' },
};

/** "Other", as every closed list of the document names it. */
const OTHER: LocalizedText = { ar: 'أخرى', zh: '其他', en: 'Other', fr: 'Autre', ru: 'Иное', es: 'Otro' };

export const REPLY_MEANS_NAMES: Readonly<Record<(typeof REPLY_MEANS)[number], LocalizedText>> = {
  phone: FIELD_LABELS.phone,
  email: FIELD_LABELS.email,
  'point-of-contact-network': {
    ar: 'شبكة نقاط الاتصال 24/7',
    zh: '24/7联络点网络',
    en: '24/7 network',
    fr: 'Réseau 24/7',
    ru: 'Сеть 24/7',
    es: 'Red 24/7',
  },
  other: OTHER,
};

export const ASSISTANCE_KIND_NAMES: Readonly<Record<(typeof ASSISTANCE_KINDS)[number], LocalizedText>> = {
  'service-of-documents': {
    ar: 'تبليغ المستندات',
    zh: '送达文书',
    en: 'Service of documents',
    fr: 'Signification d’actes',
    ru: 'Вручение документов',
    es: 'Notificación de documentos',
  },
  evidence: { ar: 'الأدلة', zh: '证据', en: 'Evidence', fr: 'Preuves', ru: 'Доказательства', es: 'Pruebas' },
  data: {
    ar: 'البيانات الإلكترونية',
    zh: '电子数据',
    en: 'Electronic data',
    fr: 'Données électroniques',
    ru: 'Электронные данные',
    es: 'Datos electrónicos',
  },
  other: OTHER,
};

export const WARRANT_KIND_NAMES: Readonly<Record<'arrest-warrant' | 'judgment', LocalizedText>> = {
  'arrest-warrant': {
    ar: 'أمر قبض',
    zh: '逮捕令',
    en: 'Arrest warrant',
    fr: "Mandat d'arrêt",
    ru: 'Ордер на арест',
    es: 'Orden de detención',
  },
  judgment: { ar: 'حكم', zh: '判决', en: 'Judgment', fr: 'Jugement', ru: 'Приговор', es: 'Sentencia' },
};

export const CONFISCATION_MEASURE_NAMES: Readonly<
  Record<'identify-trace' | 'freeze-seize' | 'confiscation-order' | 'enforce-order', LocalizedText>
> = {
  'identify-trace': {
    ar: 'الكشف عن الممتلكات واقتفاء أثرها',
    zh: '识别和追查',
    en: 'Identification and tracing',
    fr: 'Identification et localisation',
    ru: 'Выявление и отслеживание',
    es: 'Identificación y localización',
  },
  'freeze-seize': {
    ar: 'التجميد والحجز',
    zh: '冻结和扣押',
    en: 'Freezing and seizure',
    fr: 'Gel et saisie',
    ru: 'Замораживание и арест',
    es: 'Embargo preventivo e incautación',
  },
  'confiscation-order': {
    ar: 'أمر مصادرة',
    zh: '没收令',
    en: 'Confiscation order',
    fr: 'Décision de confiscation',
    ru: 'Постановление о конфискации',
    es: 'Orden de decomiso',
  },
  'enforce-order': {
    ar: 'تنفيذ أمر مصادرة',
    zh: '执行没收令',
    en: 'Enforcement of a confiscation order',
    fr: "Exécution d'une décision de confiscation",
    ru: 'Исполнение постановления о конфискации',
    es: 'Ejecución de una orden de decomiso',
  },
};

/** Unit words by CLDR plural category; `other` is the fallback. */
type PluralForms = Readonly<Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }>;

const UNIT_FORMS: Readonly<Record<'days' | 'months' | 'years', Readonly<Record<Locale, PluralForms>>>> = {
  days: {
    ar: { one: 'يوم', two: 'يومان', few: 'أيام', other: 'يومًا' },
    zh: { other: '天' },
    en: { one: 'day', other: 'days' },
    fr: { one: 'jour', other: 'jours' },
    ru: { one: 'день', few: 'дня', many: 'дней', other: 'дня' },
    es: { one: 'día', other: 'días' },
  },
  months: {
    ar: { one: 'شهر', two: 'شهران', few: 'أشهر', other: 'شهرًا' },
    zh: { other: '个月' },
    en: { one: 'month', other: 'months' },
    fr: { other: 'mois' },
    ru: { one: 'месяц', few: 'месяца', many: 'месяцев', other: 'месяца' },
    es: { one: 'mes', other: 'meses' },
  },
  years: {
    ar: { one: 'سنة', two: 'سنتان', few: 'سنوات', other: 'سنة' },
    zh: { other: '年' },
    en: { one: 'year', other: 'years' },
    fr: { one: 'an', other: 'ans' },
    ru: { one: 'год', few: 'года', many: 'лет', other: 'года' },
    es: { one: 'año', other: 'años' },
  },
};

/**
 * "4 years", "4 года", "4 年": a quantity with its unit in one language. Digits stay Western in
 * every language so that numbers read the same in both columns of the document.
 */
export function formatQuantity(quantity: number, unit: keyof typeof UNIT_FORMS, locale: Locale): string {
  const forms = UNIT_FORMS[unit][locale];
  const category = new Intl.PluralRules(locale).select(quantity);
  const word = forms[category] ?? forms.other;
  return locale === 'zh' ? `${quantity}${word}` : `${quantity} ${word}`;
}
