// Plain JavaScript that any Node parses: the bins check the version here before they import the
// TypeScript sources, which an older Node refuses with a stack trace that names neither.
// The repository pins Node 24 (package.json engines and devDependency, .nvmrc).
export const NEEDED_MAJOR = 24;

export function requireNode(bin) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= NEEDED_MAJOR) return;
  process.stderr.write(
    `${bin} needs Node >= ${NEEDED_MAJOR} (this is ${process.version}): run it with the repository's node_modules/.bin/node, or through npx from the repository.\n`,
  );
  process.exit(1);
}
