/**
 * The data classification registry (DESIGN §3.1, R25, R27): every column of every table says what class of
 * data it holds under the Minnesota Government Data Practices Act (Minn. Stat. ch. 13), why it is kept, how
 * it is protected (sealed, blind-indexed or plain) and how long it is kept.
 *
 * A test (`test/security/schema-classification.test.ts`) migrates a fresh database on SQLite and PostgreSQL,
 * reads the real schema and fails on any table or column that is not declared here, any declared column that
 * does not exist, any binary column, and any forbidden field — immigration or citizenship status, country of
 * birth, SSN/ITIN, A-number, identity-document numbers, document images, biometrics — that does not carry a
 * written legal need.
 *
 * ```ts
 * export const clinicsClassification = defineClassification([
 *   {
 *     table: 'clinic_people',
 *     class: 'private',                       // default for its columns
 *     purpose: 'People who booked a clinic appointment',
 *     retention: 'clinics.appointment',       // a retention policy id, or a sentence
 *     subjectColumn: 'subject_id',            // rows deleted when the subject is forgotten
 *     columns: {
 *       id: 'Random row id',                  // shorthand: plain, table class and retention
 *       subject_id: 'The person (vault subject) the row belongs to',
 *       name: { purpose: 'To address the person', protection: 'encrypted' },
 *       name_idx: { purpose: 'Find a booking by name', protection: 'blindIndex' },
 *     },
 *   },
 * ]);
 * ```
 *
 * Classes: data on individuals are `public`, `private` (the subject may see it) or `confidential` (not even
 * the subject); data not on individuals are `public`, `nonpublic` or `protected_nonpublic`
 * (Minn. Stat. §13.02 subd. 3, 8a, 9, 12, 13, 15).
 */

/** Minnesota Government Data Practices Act classifications. */
export const DATA_CLASSES = ['public', 'private', 'confidential', 'nonpublic', 'protected_nonpublic'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** How a column's value is stored: sealed with the subject's key, as a keyed blind index, or as is. */
export const PROTECTIONS = ['encrypted', 'blindIndex', 'plain'] as const;
export type Protection = (typeof PROTECTIONS)[number];

/** A column's declaration. A plain string is shorthand for `{ purpose }`. */
export interface ColumnDeclaration {
  /** Why the column exists (a sentence or a message key). */
  readonly purpose: string;
  /** Default `plain`. */
  readonly protection?: Protection;
  /** Default: the table's class. */
  readonly class?: DataClass;
  /** Default: the table's retention. */
  readonly retention?: string;
  /** The written legal need that justifies a forbidden field (statute, regulation or court rule, and why). */
  readonly legalNeed?: string;
}

/** A table's declaration. */
export interface TableDeclaration {
  readonly table: string;
  /** Which database holds it: the main one (default) or the key vault. */
  readonly database?: 'main' | 'vault';
  /** Default class of its columns. */
  readonly class: DataClass;
  readonly purpose: string;
  /** Retention policy id (see the retention engine) or a sentence such as "30 days after the decision". */
  readonly retention: string;
  /** The column holding the vault subject id: the rows are deleted when that subject is forgotten. */
  readonly subjectColumn?: string;
  /** With `subjectColumn`: only subjects of this program have rows here (skips deletes for other programs). */
  readonly program?: string;
  readonly columns: Readonly<Record<string, ColumnDeclaration | string>>;
}

/** A column with every field resolved. */
export interface ColumnClassification {
  readonly name: string;
  readonly class: DataClass;
  readonly purpose: string;
  readonly protection: Protection;
  readonly retention: string;
  readonly legalNeed?: string;
  /** Forbidden categories the column falls in (allowed only because it has a legal need). */
  readonly forbidden: readonly ForbiddenCategory[];
}

/** A table with every column resolved. */
export interface TableClassification {
  readonly table: string;
  readonly owner: string;
  readonly database: 'main' | 'vault';
  readonly class: DataClass;
  readonly purpose: string;
  readonly retention: string;
  readonly subjectColumn?: string;
  readonly program?: string;
  readonly columns: ReadonlyMap<string, ColumnClassification>;
}

/** Categories of data the platform must not hold without a declared legal need (DESIGN §3.1, R27). */
export type ForbiddenCategory =
  | 'immigration-status'
  | 'citizenship'
  | 'country-of-birth'
  | 'ssn'
  | 'a-number'
  | 'document-number'
  | 'document-image'
  | 'biometric';

interface ForbiddenRule {
  readonly category: ForbiddenCategory;
  /** Tested against the column name with `_` and `-` read as spaces. */
  readonly name: RegExp;
  /** Tested against the purpose text. */
  readonly text: RegExp;
}

const FORBIDDEN_RULES: readonly ForbiddenRule[] = [
  {
    category: 'immigration-status',
    name: /\b(immigration|immigrant|visa|legal|alien|migratory|deportab\w*|removab\w*) status\b|\bundocumented\b|\bdaca\b|\btps\b|\blawful presence\b|\bgreen card\b|\bstatus (of )?(immigration|alien)\b/,
    text: /\b(immigration|immigrant|visa|alien|migratory) status\b|\bundocumented\b|\blawful presence\b|\bgreen card\b/,
  },
  {
    category: 'citizenship',
    name: /\bcitizen(ship)?\b|\bnationality\b|\bnational origin\b|\bcountry of (citizenship|nationality|origin)\b/,
    text: /\bcitizenship\b|\bnationality\b|\bnational origin\b|\bcountry of (citizenship|nationality|origin)\b/,
  },
  {
    category: 'country-of-birth',
    name: /\b(country|place|city|town|state) of birth\b|\bbirth ?(country|place|city|town)\b|\bnative country\b|\b(cob|pob)\b/,
    text: /\b(country|place|city|town) of birth\b|\bbirth ?(country|place)\b|\bnative country\b/,
  },
  {
    category: 'ssn',
    name: /\bssn\b|\bsocial security\b|\bsocial sec\b|\bitin\b|\btaxpayer id(entification)?\b|\btin\b/,
    text: /\bssn\b|\bsocial security number\b|\bitin\b|\bindividual taxpayer identification\b/,
  },
  {
    category: 'a-number',
    name: /\ba ?(number|num|no)\b|\balien (registration )?(number|num|no|id)\b|\buscis (number|num|no|id)\b|\banumber\b/,
    text: /\ba-number\b|\balien (registration )?number\b|\buscis (account )?number\b/,
  },
  {
    category: 'document-number',
    name: /\b(passport|visa|licen[cs]e|driver|drivers|dl|document|doc|i ?94|ead|permit|green card|state id) (number|num|no|id)\b/,
    text: /\b(passport|visa|driver'?s licen[cs]e|identity document|document|i-94|work permit) number\b/,
  },
  {
    category: 'document-image',
    name: /\b(image|images|photo|photos|photograph|picture|scan|scans|scanned|selfie|upload|uploads|attachment|attachments|blob|document (copy|file))\b/,
    text: /\b(image|photo|photograph|picture|scan|copy) of (?:the |an |a |their )?(id|identity|passport|document|card|licen[cs]e|face)\b|\bdocument (image|scan|photo|copy)\b|\buploaded (document|file|image)\b/,
  },
  {
    category: 'biometric',
    name: /\bbiometric\w*|\bfinger ?prints?\b|\bface (template|print|encoding|embedding|geometry|vector)\b|\bfacial\b|\biris\b|\bretina\w*|\bvoice ?prints?\b|\bpalm ?prints?\b|\bdna\b|\bgait\b/,
    text: /\bbiometric\w*|\bfinger ?prints?\b|\bfacial (recognition|geometry|template)\b|\biris (scan|template)\b|\bvoice ?print\b|\bdna\b/,
  },
];

/** The forbidden categories a column name or purpose falls in (empty when none). */
export function findForbidden(columnName: string, purpose = ''): ForbiddenCategory[] {
  const name = columnName.toLowerCase().replace(/[_-]+/g, ' ');
  const text = purpose.toLowerCase();
  return FORBIDDEN_RULES.filter((r) => r.name.test(name) || r.text.test(text)).map((r) => r.category);
}

/** Thrown by {@link ClassificationRegistry.register} with every problem of the declarations at once. */
export class ClassificationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Data classification is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ClassificationError';
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const MIN_LEGAL_NEED = 20;

/** Identity with type checking, so declaration files read as data. */
export function defineClassification(tables: readonly TableDeclaration[]): readonly TableDeclaration[] {
  return tables;
}

function resolveTable(owner: string, decl: TableDeclaration, problems: string[]): TableClassification {
  const where = `${owner}: table ${decl.table}`;
  if (!IDENTIFIER.test(decl.table)) problems.push(`${where}: not a plain lower-case SQL identifier`);
  if (!DATA_CLASSES.includes(decl.class)) problems.push(`${where}: unknown class "${String(decl.class)}"`);
  if (!decl.purpose || decl.purpose.trim().length < 3) problems.push(`${where}: purpose is missing`);
  if (!decl.retention || decl.retention.trim().length < 2) problems.push(`${where}: retention is missing`);
  const columns = new Map<string, ColumnClassification>();
  for (const [name, raw] of Object.entries(decl.columns)) {
    const c: ColumnDeclaration = typeof raw === 'string' ? { purpose: raw } : raw;
    const at = `${where}.${name}`;
    if (!IDENTIFIER.test(name)) problems.push(`${at}: not a plain lower-case SQL identifier`);
    const cls = c.class ?? decl.class;
    if (!DATA_CLASSES.includes(cls)) problems.push(`${at}: unknown class "${String(cls)}"`);
    const protection = c.protection ?? 'plain';
    if (!PROTECTIONS.includes(protection)) problems.push(`${at}: unknown protection "${String(protection)}"`);
    if (!c.purpose || c.purpose.trim().length < 3) problems.push(`${at}: purpose is missing`);
    const forbidden = findForbidden(name, c.purpose);
    const legalNeed = c.legalNeed?.trim();
    if (forbidden.length > 0 && (!legalNeed || legalNeed.length < MIN_LEGAL_NEED)) {
      problems.push(`${at}: forbidden field (${forbidden.join(', ')}) without a written legal need (legalNeed: '<statute or rule, and why>')`);
    }
    if (forbidden.length > 0 && protection === 'plain') problems.push(`${at}: a forbidden field kept under a legal need must be encrypted`);
    columns.set(name, {
      name,
      class: cls,
      purpose: c.purpose,
      protection,
      retention: c.retention ?? decl.retention,
      ...(legalNeed ? { legalNeed } : {}),
      forbidden,
    });
  }
  if (columns.size === 0) problems.push(`${where}: declares no columns`);
  if (decl.subjectColumn !== undefined && !columns.has(decl.subjectColumn)) {
    problems.push(`${where}: subjectColumn "${decl.subjectColumn}" is not one of its columns`);
  }
  if (decl.program !== undefined && decl.subjectColumn === undefined) problems.push(`${where}: program is set without subjectColumn`);
  return {
    table: decl.table,
    owner,
    database: decl.database ?? 'main',
    class: decl.class,
    purpose: decl.purpose,
    retention: decl.retention,
    ...(decl.subjectColumn !== undefined ? { subjectColumn: decl.subjectColumn } : {}),
    ...(decl.program !== undefined ? { program: decl.program } : {}),
    columns,
  };
}

/** Every table's classification, from core and every module. */
export class ClassificationRegistry {
  readonly #tables = new Map<string, TableClassification>();

  /** Adds the declarations of one owner; throws {@link ClassificationError} listing every problem. */
  register(owner: string, tables: readonly TableDeclaration[]): void {
    const problems: string[] = [];
    const resolved = tables.map((t) => resolveTable(owner, t, problems));
    for (const t of resolved) {
      const key = `${t.database}:${t.table}`;
      const existing = this.#tables.get(key);
      if (existing) problems.push(`table ${t.table} is classified twice (${existing.owner} and ${owner})`);
      if (resolved.filter((r) => r.database === t.database && r.table === t.table).length > 1 && !existing) {
        problems.push(`${owner}: table ${t.table} is declared twice`);
      }
    }
    if (problems.length > 0) throw new ClassificationError([...new Set(problems)]);
    for (const t of resolved) this.#tables.set(`${t.database}:${t.table}`, t);
  }

  /** The classification of a table, if declared. */
  get(table: string, database: 'main' | 'vault' = 'main'): TableClassification | undefined {
    return this.#tables.get(`${database}:${table}`);
  }

  /** Every declared table of one database, in declaration order. */
  tables(database: 'main' | 'vault' = 'main'): TableClassification[] {
    // Declaration order (not sorted): forgetting deletes rows in reverse order, children before parents.
    return [...this.#tables.values()].filter((t) => t.database === database);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Checking a real schema against the registry

/** A database schema as read from the database itself: table → column → declared type (lower case). */
export type IntrospectedSchema = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** Types that can hold binary content (document images, blobs): never allowed. */
function isBinaryType(type: string, dialect: 'sqlite' | 'postgres'): boolean {
  const t = type.toLowerCase();
  if (dialect === 'postgres') return t === 'bytea' || t === 'oid' || t === 'lo';
  // SQLite: BLOB affinity is a declared type containing "blob" or no declared type at all.
  return t.includes('blob') || t.trim() === '';
}

/**
 * Compares a real schema with the registry and returns every problem: undeclared tables and columns,
 * declared ones that do not exist, binary columns.
 */
export function checkSchema(
  registry: ClassificationRegistry,
  schema: IntrospectedSchema,
  options: { dialect: 'sqlite' | 'postgres'; database?: 'main' | 'vault' },
): string[] {
  const database = options.database ?? 'main';
  const problems: string[] = [];
  for (const [table, columns] of schema) {
    const decl = registry.get(table, database);
    if (!decl) {
      problems.push(`table ${table} is not classified`);
      continue;
    }
    for (const [column, type] of columns) {
      const declared = decl.columns.get(column);
      if (!declared) problems.push(`column ${table}.${column} is not classified (owner ${decl.owner})`);
      else if (declared.protection !== 'plain' && !/^(text|varchar|character varying)/.test(type)) {
        problems.push(`column ${table}.${column} is declared ${declared.protection} but has type ${type || 'none'} (sealed values and blind indexes are text)`);
      }
      if (isBinaryType(type, options.dialect)) problems.push(`column ${table}.${column} is binary (${type || 'no type'}): documents and blobs are never stored`);
    }
    for (const column of decl.columns.keys()) {
      if (!columns.has(column)) problems.push(`column ${table}.${column} is classified by ${decl.owner} but does not exist`);
    }
  }
  for (const decl of registry.tables(database)) {
    if (!schema.has(decl.table)) problems.push(`table ${decl.table} is classified by ${decl.owner} but does not exist`);
  }
  return problems;
}
