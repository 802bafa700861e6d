// No test uses cdktf's Jest matchers (Testing.setupJest()): tests read the
// synthesized JSON directly, and loading cdktf here would cost every test file,
// including those of tools that never synthesize.
const fs = require("node:fs");

// cdktf's Testing.app() and Testing.fullSynth() write to a fresh temporary
// folder each (os.tmpdir()/cdktf.outdir.*) and never remove it: remove the
// ones this test file made once it is done.
const made = [];
const mkdtempSync = fs.mkdtempSync;
fs.mkdtempSync = function (prefix, ...rest) {
  const dir = mkdtempSync.call(this, prefix, ...rest);
  if (String(prefix).includes("cdktf.outdir.")) made.push(dir);
  return dir;
};
afterAll(() => {
  fs.mkdtempSync = mkdtempSync;
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
