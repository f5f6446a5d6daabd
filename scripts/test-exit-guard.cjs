// Preloaded into every test file's process by scripts/run-tests.mjs. A test file whose tests have all finished
// but which leaves a handle open (a socket, a timer, a watch) would otherwise keep its process, and the whole
// run, waiting until the per-test timeout. Here it is ended 15 s after its last test, with a warning that names
// it so the leak gets fixed; its results are already reported and count as they are.
if (process.env.NODE_TEST_CONTEXT) {
  const { after } = require('node:test');
  after(() => {
    setTimeout(() => {
      const file = process.argv.find((a) => a.endsWith('.js') && a.includes('dist')) ?? 'a test file';
      process.stderr.write(`warning: ${file} left handles open after its last test; ending it\n`);
      process.exit();
    }, Number(process.env.SKYPORT_TEST_EXIT_GRACE_MS ?? 15_000)).unref();
  });
}
