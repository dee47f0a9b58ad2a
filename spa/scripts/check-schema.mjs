// Fails when src/api/schema.d.ts no longer matches ../openapi/openapi.json: the SPA's types are
// generated, never edited by hand, so a stale file means someone forgot `npm run generate`.
import { readFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";

const contract = new URL("../../openapi/openapi.json", import.meta.url);
const generated = new URL("../src/api/schema.d.ts", import.meta.url);

const expected = astToString(await openapiTS(contract));
const actual = await readFile(generated, "utf8").catch(() => "");

// The CLI prepends a banner; compare the type definitions themselves.
if (!actual.endsWith(expected)) {
  console.error(
    "src/api/schema.d.ts est périmé par rapport à openapi/openapi.json : lancez `npm run generate`.",
  );
  process.exit(1);
}
console.log("src/api/schema.d.ts est à jour.");
