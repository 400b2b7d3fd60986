// ESLint 9 flat config. `npm run lint` runs it over the whole repository; CI fails on any error or warning.
//
// Type-aware rules (typescript-eslint's project service) run on every TypeScript file: on two cores a full run
// costs about as much as `tsc --noEmit`, and `no-floating-promises` / `no-misused-promises` are worth it.
// JavaScript files (scripts, bin, this config) get the same rules minus the type-aware ones.
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

/**
 * The one file allowed to emit unescaped HTML through hono's `raw()` / `dangerouslySetInnerHTML`, once it has
 * been reviewed. None yet: hono/jsx escapes everything, which is what keeps the views XSS-free (R19).
 * Add a path here only together with a test that feeds it hostile input.
 */
const RAW_HTML_REVIEWED_FILES = [];

/** Node's globals, declared here rather than through the `globals` package (not a direct dependency). */
const nodeGlobals = Object.fromEntries(
  [
    'process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController',
    'AbortSignal', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
    'queueMicrotask', 'structuredClone', 'performance', 'fetch', 'Response', 'Request', 'Headers', 'crypto',
  ].map((name) => [name, 'readonly']),
);

/**
 * R17: parameterized queries only. Kysely's `sql` tag binds every `${…}` as a parameter, so it is safe; what
 * builds SQL out of strings is `sql.raw` / `sql.lit`, `CompiledQuery.raw`, and driver calls (`query`, `exec`,
 * `prepare`, `unsafe`) given a template literal with `${…}` or a `+` concatenation. The same patterns are
 * grep-gated by `scripts/check-sql.js`. A reviewed exception (e.g. `CREATE DATABASE <generated name>` in a test
 * helper, where identifiers cannot be bound) carries
 *   // eslint-disable-next-line sanctuary/parameterized-sql -- <why it is safe>
 * which both this rule and the grep gate honour.
 */
const parameterizedSql = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid SQL built from strings (R17: parameterized queries only)' },
    schema: [],
    messages: {
      sqlRaw: '`sql.{{name}}` splices text into SQL. Bind values with sql`… ${value} …` (R17); identifiers with sql.ref/sql.table/sql.id.',
      compiledRaw: '`CompiledQuery.raw` runs a string as SQL. Use the query builder or the sql tag (R17).',
      sqlCall: '`sql` must be used as a tagged template (sql`…`), never called with a string (R17).',
      driverString: 'SQL passed to `{{name}}()` is built from a string ({{how}}). Use bound parameters (R17).',
    },
  },
  create(context) {
    const DRIVER_METHODS = new Set(['query', 'exec', 'prepare', 'unsafe', 'executeQuery']);
    /** Whether an expression builds a string dynamically. */
    const dynamic = (node) => {
      if (!node) return undefined;
      if (node.type === 'ConditionalExpression') return dynamic(node.consequent) ?? dynamic(node.alternate);
      if (node.type === 'LogicalExpression') return dynamic(node.left) ?? dynamic(node.right);
      if (node.type === 'TemplateLiteral' && node.expressions.length > 0) return 'template literal with ${…}';
      if (node.type === 'BinaryExpression' && node.operator === '+') return 'string concatenation';
      if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && !node.callee.computed
        && ['concat', 'join', 'replace', 'replaceAll'].includes(node.callee.property.name)
        ) return `.${node.callee.property.name}()`;
      return undefined;
    };
    return {
      MemberExpression(node) {
        if (node.computed || node.property.type !== 'Identifier') return;
        if (node.object.type === 'Identifier' && node.object.name === 'sql' && (node.property.name === 'raw' || node.property.name === 'lit')) {
          context.report({ node, messageId: 'sqlRaw', data: { name: node.property.name } });
        }
        if (node.object.type === 'Identifier' && node.object.name === 'CompiledQuery' && node.property.name === 'raw') {
          context.report({ node, messageId: 'compiledRaw' });
        }
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'sql') {
          context.report({ node, messageId: 'sqlCall' });
          return;
        }
        if (node.callee.type === 'MemberExpression' && !node.callee.computed && node.callee.property.type === 'Identifier'
          && DRIVER_METHODS.has(node.callee.property.name)) {
          const how = dynamic(node.arguments[0]);
          if (how) context.report({ node: node.arguments[0], messageId: 'driverString', data: { name: node.callee.property.name, how } });
        }
      },
    };
  },
};

/**
 * `src/config.ts` is the only reader of environment variables: application code never touches `process.env`,
 * except to hand the whole environment to it — `loadConfig(process.env)` at an entry point.
 */
/**
 * ESLint's own recommended rules that TypeScript does not already enforce. Listed here rather than imported
 * from `@eslint/js` (not a direct dependency); the rules themselves are part of `eslint`.
 */
const coreRecommended = Object.fromEntries(
  [
    'no-async-promise-executor', 'no-case-declarations', 'no-compare-neg-zero', 'no-cond-assign', 'no-constant-binary-expression',
    'no-constant-condition', 'no-control-regex', 'no-debugger', 'no-delete-var', 'no-dupe-else-if', 'no-duplicate-case', 'no-empty',
    'no-empty-character-class', 'no-empty-pattern', 'no-ex-assign', 'no-fallthrough', 'no-global-assign', 'no-invalid-regexp',
    'no-irregular-whitespace', 'no-loss-of-precision', 'no-misleading-character-class', 'no-nonoctal-decimal-escape', 'no-octal',
    'no-prototype-builtins', 'no-regex-spaces', 'no-self-assign', 'no-shadow-restricted-names', 'no-sparse-arrays', 'no-unsafe-finally',
    'no-unsafe-optional-chaining', 'no-unused-labels', 'no-useless-backreference', 'no-useless-catch', 'no-with', 'use-isnan', 'valid-typeof',
  ].map((rule) => [rule, 'error']),
);

const noProcessEnv = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid process.env outside src/config.ts' },
    schema: [],
    messages: { env: 'Read settings through src/config.ts (the only reader of environment variables); pass the environment only as loadConfig(process.env).' },
  },
  create(context) {
    const isProcess = (n) => n?.type === 'Identifier' && n.name === 'process';
    const isEnvKey = (n, computed) => (!computed && n.type === 'Identifier' && n.name === 'env') || (n.type === 'Literal' && n.value === 'env');
    return {
      MemberExpression(node) {
        if (!isProcess(node.object) || !isEnvKey(node.property, node.computed)) return;
        const parent = node.parent;
        const handedToConfig = parent.type === 'CallExpression' && parent.arguments[0] === node
          && parent.callee.type === 'Identifier' && parent.callee.name === 'loadConfig';
        if (!handedToConfig) context.report({ node, messageId: 'env' });
      },
      VariableDeclarator(node) {
        if (!isProcess(node.init) || node.id.type !== 'ObjectPattern') return;
        for (const p of node.id.properties) {
          if (p.type === 'Property' && isEnvKey(p.key, p.computed)) context.report({ node: p, messageId: 'env' });
        }
      },
    };
  },
};

/** Local rules: own code, no extra dependency. */
const sanctuary = { meta: { name: 'sanctuary' }, rules: { 'parameterized-sql': parameterizedSql, 'no-process-env': noProcessEnv } };

const rawHtml = {
  imports: {
    paths: [
      { name: 'hono/html', importNames: ['raw'], message: 'raw() skips escaping (XSS). Render through hono/jsx; see RAW_HTML_REVIEWED_FILES in eslint.config.js.' },
      { name: 'hono/utils/html', importNames: ['raw'], message: 'raw() skips escaping (XSS). Render through hono/jsx; see RAW_HTML_REVIEWED_FILES in eslint.config.js.' },
    ],
  },
  syntax: {
    selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
    message: 'dangerouslySetInnerHTML skips escaping (XSS). See RAW_HTML_REVIEWED_FILES in eslint.config.js.',
  },
};

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'data/**', 'dist/**', 'coverage/**', 'test-results/**', 'scripts/fixtures/**', '.sanctuary-keys/**', 'public/**'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  // Every file: TypeScript-aware recommended rules, security rules, and the project's own.
  ...tseslint.configs.recommendedTypeChecked,
  security.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: nodeGlobals,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { sanctuary },
    rules: {
      ...coreRecommended,
      // Typing
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Fastify handlers are async by contract and often just return a value.
      '@typescript-eslint/require-await': 'off',
      // R20: no code from strings
      'no-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      // R17
      'sanctuary/parameterized-sql': 'error',
      // R19: no unescaped HTML
      'no-restricted-imports': ['error', rawHtml.imports],
      'no-restricted-syntax': ['error', rawHtml.syntax],
      // Security plugin: every finding is an error, except two rules whose findings are almost all false
      // positives in this code base: `obj[key]` with typed keys (TypeScript + noUncheckedIndexedAccess
      // already guard it) and fs calls with computed paths (every path is built from config, never input).
      ...Object.fromEntries(Object.keys(security.configs.recommended.rules).map((r) => [r, 'error'])),
      'security/detect-object-injection': 'off',
      'security/detect-non-literal-fs-filename': 'off',
    },
  },
  // Application code reads the environment only through src/config.ts.
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/config.ts', 'src/**/*.test.{ts,tsx}'],
    rules: { 'sanctuary/no-process-env': 'error' },
  },
  // The reviewed raw-HTML file(s), if any.
  ...(RAW_HTML_REVIEWED_FILES.length > 0
    ? [{ files: RAW_HTML_REVIEWED_FILES, rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' } }]
    : []),
  // Plain JavaScript: no type information, so no type-aware rules.
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tooling scripts spawn processes on purpose (the test runner, CI, benchmarks).
    files: ['scripts/**', 'bench/**', 'test/**', 'bin/**', '.ci/**'],
    rules: { 'security/detect-child-process': 'off' },
  },
);

/** The local plugin, exported for its tests (test/scripts/eslint-rules.test.ts). */
export { sanctuary as sanctuaryPlugin };
