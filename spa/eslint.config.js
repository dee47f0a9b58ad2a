import { readdirSync } from "node:fs";
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// Feature folders never import one another (STYLE.md, after bulletproof-react): a feature that
// needs another's data calls the API itself, and src/app/ composes features into screens.
// The zones are keyed on the imported feature, read from the disk, so a new folder is covered
// without editing this file; the importer is a glob ("any other feature").
const features = readdirSync(new URL("./src/features", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const architectureZones = [
  ...features.map((feature) => ({
    target: `./src/features/!(${feature})/**/*`,
    from: `./src/features/${feature}`,
    message: "Une fonctionnalité n'importe jamais une autre fonctionnalité : composez-les dans src/app/.",
  })),
  // Dependencies flow one way: lib/components/api → features → app.
  {
    target: ["./src/features", "./src/components", "./src/lib", "./src/api"],
    from: "./src/app",
    message: "Seul src/app/ compose l'application ; rien ne l'importe.",
  },
  {
    target: ["./src/components", "./src/lib", "./src/api"],
    from: "./src/features",
    message: "Le code partagé ne dépend d'aucune fonctionnalité.",
  },
];

export default tseslint.config(
  { ignores: ["dist", "node_modules", "test-results", "src/api/schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.app.json" })],
    },
    rules: {
      "import-x/no-restricted-paths": ["error", { zones: architectureZones }],
      "import-x/no-cycle": "error",
    },
  },
  {
    // One submission at a time for every action of the SPA (src/lib/mutation.ts).
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["src/lib/mutation.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@tanstack/react-query",
              importNames: ["useMutation"],
              message: "Importez useMutation depuis @/lib/mutation : une seule soumission à la fois.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/**/*.tsx"],
    ...jsxA11y.flatConfigs.recommended,
  },
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // One table pattern (components/DataTable): it fits a phone as cards and a laptop in its
    // own scrolling frame. A hand-written <table> would widen the page again.
    files: ["src/**/*.tsx"],
    ignores: ["src/components/DataTable.tsx"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "JSXOpeningElement[name.name='table']",
          message: "Utilisez <DataTable> (@/components/DataTable) : une seule présentation des listes, lisible sur un téléphone.",
        },
      ],
    },
  },
  {
    files: ["*.{js,ts,mjs}", "scripts/**", "e2e/**", "src/**/*.test.ts"],
    languageOptions: { globals: { ...globals.node } },
  },
);
