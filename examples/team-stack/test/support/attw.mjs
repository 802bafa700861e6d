// Are the Types Wrong over several tarballs in one process (the CLI takes one
// tarball a run and loads TypeScript each time): prints, per tarball, whether
// it has types, the resolution kinds checked for each entry point, and the
// problems found. With no profile applied this is the CLI's default (strict)
// profile: node10, node16 from CommonJS and from ESM, and bundler.
import { readFile } from "node:fs/promises";
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";

const results = [];
for (const tarball of process.argv.slice(2)) {
  const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(await readFile(tarball))));
  results.push({
    tarball,
    typed: Boolean(analysis.types),
    resolutionKinds: analysis.types
      ? Object.fromEntries(
          Object.entries(analysis.entrypoints).map(([subpath, entry]) => [subpath, Object.keys(entry.resolutions)]),
        )
      : {},
    problems: analysis.types ? analysis.problems : [],
  });
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
