import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The folder rules of STYLE.md are only worth something if `npm run lint` really fails on a
// violation: lint small sources as if they lived at these paths, with the project's own config.
async function restrictedPathMessages(filePath: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: new URL("..", import.meta.url).pathname });
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === "import-x/no-restricted-paths")
    .map((message) => message.message);
}

// The first lint loads the TypeScript resolver: seconds on a busy machine, not a speed check.
describe("architecture boundaries", { timeout: 30_000 }, () => {
  it("refuses a feature importing another feature", async () => {
    const messages = await restrictedPathMessages(
      "src/features/clients/index.ts",
      'export { healthText } from "../health/text";\n',
    );

    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("Une fonctionnalité n'importe jamais une autre fonctionnalité");
  });

  it("refuses the alias form of the same import", async () => {
    const messages = await restrictedPathMessages(
      "src/features/clients/index.ts",
      'export { StatusPage } from "@/features/health";\n',
    );

    expect(messages).toHaveLength(1);
  });

  it("refuses shared code importing the app", async () => {
    const messages = await restrictedPathMessages(
      "src/lib/example.ts",
      'export { shellText } from "@/app/text";\n',
    );

    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("Seul src/app/ compose l'application");
  });

  it("lets a feature use its own files and shared code, and the app compose features", async () => {
    expect(
      await restrictedPathMessages(
        "src/features/health/example.ts",
        'export { healthText } from "./text";\nexport { formatDate } from "@/lib/format";\n',
      ),
    ).toEqual([]);
    expect(
      await restrictedPathMessages("src/app/example.ts", 'export { StatusPage } from "@/features/health";\n'),
    ).toEqual([]);
  });
});
