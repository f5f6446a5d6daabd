/**
 * Makes the SkyPilot venv ahead of the test (CI warm-up, or a first run that should not pay for pip inside the
 * test's time limit): `node test/compat/dist/setup-venv.js`. Prints the interpreter's path; exit 1 if it cannot.
 */
import { ensureSkypilotVenv, SKYPILOT_VERSION } from './skypilot-venv';

const venv = ensureSkypilotVenv();
if (!venv.ok) {
  console.error(`cannot make the SkyPilot ${SKYPILOT_VERSION} venv: ${venv.reason}`);
  process.exit(1);
}
console.log(`${venv.python} (SkyPilot ${SKYPILOT_VERSION}${venv.created ? `, made in ${venv.seconds}s` : ', cached'})`);
